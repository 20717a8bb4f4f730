"""The three-hour item's frames painted in Python are the ones ffmpeg's filters draw, byte for byte: if an ffmpeg
drew them otherwise, the item would silently go back to the filters and cost ~20 s more of every fresh run."""

from __future__ import annotations

import pytest

from muxclipper.emulator.media import stamp
from tests.support import corpus, painted_frames


@pytest.mark.parametrize("item", [i for i in corpus.ITEMS if i.painted], ids=lambda i: i.name)
def test_painted_frames_are_the_filters_frames(item: corpus.Item) -> None:
    width, height = item.size
    digits = max(len(str(item.frame_count)), 3)
    chain = ",".join(["drawbox=x='mod(t*60,iw)':y=ih/3:w=ih/5:h=ih/5:color=white:t=fill",
                      stamp.stamp_filter(height), corpus.digits_filter(width, height, digits)])
    layout = painted_frames.painted_layout(chain, width, height, item.rate, digits)
    assert layout is not None, "the painted frames differ from what this ffmpeg's filters draw"
    # Deep frames too: the band's upper half and the thousands, read back as the tests read them.
    for n in (0, 1023, 1024, 99_999, item.frame_count - 1):
        frame = layout.frame(n)
        luma = frame[:width * height]
        rgb = bytes(value for y in luma for value in (y, y, y))
        assert stamp.read_index(rgb, width, height) == n


def test_a_size_the_layout_cannot_hold_is_left_to_the_filters() -> None:
    with pytest.raises(ValueError, match="draw this size with ffmpeg's filters"):
        painted_frames.Layout(160, 16, corpus.RATES["25"], 6, box_x=0)
