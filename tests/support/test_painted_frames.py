"""The three-hour item's frames painted in Python are the ones ffmpeg's filters draw, byte for byte: if an ffmpeg
drew them otherwise, the item would silently go back to the filters and cost ~20 s more of every fresh run."""

from __future__ import annotations

import pytest

from muxclipper.emulator.media import stamp
from tests.support import corpus, painted_frames

PAINTED = [item for item in corpus.ITEMS if item.painted]


@pytest.mark.parametrize("item", PAINTED, ids=lambda i: i.name)
def test_painted_frames_are_the_filters_frames_far_into_the_item(item: corpus.Item) -> None:
    width, height = item.size
    chain = corpus.picture_filters(width, height, item.digits)
    layout = painted_frames.painted_layout(chain, width, height, item.rate, item.digits)
    assert layout is not None, "the painted frames differ from what this ffmpeg's filters draw"
    # painted_layout compared the first 1,100 frames. Far ones too (the band's upper bits, every place of the digits,
    # the last frame): the filters' frame number shifted by ``first`` draws frame first + k as its k-th frame.
    size = width * height * 3 // 2
    for first in (262_140, 299_990, item.frame_count - 6):
        shifted = chain.replace("floor(n/", f"floor((n+{first})/")
        drawn = painted_frames.filters_frames(shifted, width, height, item.rate, 6)
        assert len(drawn) == 6 * size
        for k in range(6):
            assert layout.frame(first + k) == drawn[k * size:(k + 1) * size], first + k
    last = layout.frame(item.frame_count - 1)[:width * height]
    assert stamp.read_index(bytes(v for y in last for v in (y, y, y)), width, height) == item.frame_count - 1


def test_a_size_the_layout_cannot_hold_is_left_to_the_filters() -> None:
    with pytest.raises(ValueError, match="draw this size with ffmpeg's filters"):
        painted_frames.Layout(160, 16, corpus.RATES["25"], 6, box_x=0)
