"""The words and numbers in generated media are Pillow's pictures laid by ffmpeg's overlay: no system font, no
drawtext, and a data folder whose path holds what a filter graph would have to escape (a Windows drive's ':', spaces,
quotes, backslashes, '%') works as any other."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from muxclipper.emulator.media import ffmpeg, generate, lettering, slate, stamp

HOSTILE = "C: drive's \"media\" \\ 100%d [x];y,z"


def _glyphs(text: str, size: int) -> bytes:
    """Where the counter line's letters are (alpha per pixel, without the box)."""
    cells = lettering.Cells.for_text(text, size)
    line = Image.new("RGBA", lettering.counter_size(size, box=True, frame_number=len(text) - 15), (0, 0, 0, 0))
    cells.draw(line, text, 2, 2)
    return line.getchannel("A").tobytes()


def _reads(picture: Image.Image, at: tuple[int, int], text: str, other: str, size: int) -> bool:
    """Whether the line at ``at`` shows ``text`` rather than ``other``: where only ``text`` has ink the picture is
    much brighter than where only ``other`` has."""
    width, height = lettering.counter_size(size, box=True, frame_number=len(text) - 15)
    seen = picture.crop((at[0], at[1], at[0] + width, at[1] + height)).convert("L").tobytes()
    mine, theirs = _glyphs(text, size), _glyphs(other, size)
    only_mine = [seen[i] for i in range(len(seen)) if mine[i] > 128 and theirs[i] < 64]
    only_theirs = [seen[i] for i in range(len(seen)) if theirs[i] > 128 and mine[i] < 64]
    assert len(only_mine) > 10 and len(only_theirs) > 10, (text, other)
    return sum(only_mine) / len(only_mine) > sum(only_theirs) / len(only_theirs) + 40


def _counter_place(spec: generate.GeneratedSpec) -> tuple[tuple[int, int], int]:
    """Where generate.draw lays the counter line of a source with a two-digit frame number, and its font size."""
    small = max(spec.height // 14, 10)
    line_w, line_h = lettering.counter_size(small, box=True, frame_number=2)
    # (overlay lays a picture on 4:2:0 video at even coordinates)
    return ((spec.width - line_w) // 2 // 2 * 2, (spec.height - line_h - small) // 2 * 2), small


def test_generated_media_in_a_hostile_folder_shows_its_timecode_and_frame_number(tmp_path: Path) -> None:
    spec = generate.GeneratedSpec(duration=2.0, fps="10", width=384, height=216, preroll=0.5, label="A:B 'C'")
    folder = tmp_path / HOSTILE
    video, _ = generate.generate(spec, folder)
    assert video.parent == folder and not [p for p in folder.iterdir() if p != video]  # the pictures were removed
    width, height, frames = ffmpeg.read_frames_rgb(video, frames=20)
    assert [stamp.read_index(f, width, height) for f in frames] == list(range(20))
    pictures = [Image.frombytes("RGB", (width, height), f) for f in frames]
    at, small = _counter_place(spec)
    for index, other in ((3, 14), (12, 5), (19, 7)):
        text = f"00:00:{index // 10:02d}.{index % 10}00  #{index:02d}"
        wrong = f"00:00:{other // 10:02d}.{other % 10}00  #{other:02d}"
        assert _reads(pictures[index], at, text, wrong, small), text
        assert not _reads(pictures[index], at, wrong, text, small), text
    # The preroll card: navy where the colour bars would be, the "STARTING SOON" lettering on it.
    navy = lettering.colour("0x1c2444")[:3]
    corner = pictures[2].getpixel((spec.width - 4, spec.height // 2))
    assert all(abs(a - b) < 24 for a, b in zip(corner, navy, strict=False))
    title = pictures[2].crop((0, spec.height // 2 - 20, spec.width, spec.height // 2)).convert("L").tobytes()
    assert max(title) > 200, "the card's title"
    assert pictures[7].getpixel((spec.width - 4, spec.height // 2)) != corner  # the programme after it


def test_a_counter_hides_no_digit_that_moves(tmp_path: Path) -> None:
    """Digits that stay 0 for the whole duration are drawn once; every other one is a crop of the digit strip."""
    layers = lettering.Layers(tmp_path, Fraction(30000, 1001), 4000.0, first_input=1)
    layers.counter(size=12, x=0, y=0, box=False, frame_number=6)
    _, graph = layers.args()
    # Hours' units (4000 s > 1 h), minutes' and seconds' two, milliseconds' three and the six of the frame number.
    assert graph.count("crop=") == 1 + 2 + 2 + 3 + 6
    layers = lettering.Layers(tmp_path, Fraction(25), 30.0, first_input=1)
    layers.counter(size=12, x=0, y=0, box=False)
    assert layers.args()[1].count("crop=") == 2 + 3  # 30 s: the seconds' two digits and the milliseconds


def test_the_last_frame_shows_its_own_time_and_number(tmp_path: Path) -> None:
    """0.35 s at 29.97 fps is 10.49 frames' worth: the video has 11 and the last one is #10, at 00:00:00.334. The
    count was once rounded where the colour bars round it up: the last frame repeated the counter of the one before,
    and the frame number had one digit (it read #0)."""
    spec = generate.GeneratedSpec(duration=0.35, fps="30000/1001", width=640, height=360, label="T")
    video, _ = generate.generate(spec, tmp_path)
    width, height, frames = ffmpeg.read_frames_rgb(video, frames=2, last=True)
    assert [stamp.read_index(f, width, height) for f in frames] == [9, 10]
    at, small = _counter_place(spec)
    last = Image.frombytes("RGB", (width, height), frames[1])
    assert _reads(last, at, "00:00:00.334  #10", "00:00:00.301  #09", small)
    before = Image.frombytes("RGB", (width, height), frames[0])
    assert _reads(before, at, "00:00:00.301  #09", "00:00:00.334  #10", small)


@pytest.mark.parametrize("frames", [[(5, 10)], []])
def test_the_recording_slate_is_a_picture_over_its_frames(tmp_path: Path, frames: list[tuple[int, int]]) -> None:
    layers = lettering.Layers(tmp_path / HOSTILE, Fraction(25), 1.0, first_input=1)
    layers.directory.mkdir()
    slate.draw(layers, frames, 384, 216)
    inputs, graph = layers.args()
    assert "drawtext" not in graph and HOSTILE not in graph
    assert inputs[-1] == str(tmp_path / HOSTILE / "layer-0.png")
    assert ("between(n,5,9)" in graph) == bool(frames)


def test_the_picture_writes_a_frame_time_as_the_window_does(tmp_path: Path) -> None:
    """Frame 5 at 30 fps starts at 166.67 ms: the window's fields say 00:00:00.167 (the first whole millisecond it is
    on screen; .166 typed is frame 4) and the picture said .166. One rule: the picture says .167 too."""
    from muxclipper.core.timecode import format_ms, frame_to_ms

    spec = generate.GeneratedSpec(duration=0.4, fps="30", width=640, height=360, label="T")
    video, _ = generate.generate(spec, tmp_path)
    width, height, frames = ffmpeg.read_frames_rgb(video, frames=6)
    picture = Image.frombytes("RGB", (width, height), frames[5])
    at, small = _counter_place(spec)
    window = f"{format_ms(frame_to_ms(5, Fraction(30)))}  #05"
    assert window == "00:00:00.167  #05"
    assert _reads(picture, at, window, "00:00:00.166  #05", small)
