"""Finding the slate: where a picture that holds (a "starting soon" card, a black screen, a still with a clock)
gives way to the programme, to the frame, from a few small pictures.

A slate is *a picture that holds*. Two pictures are the same one when most of their area is unchanged: each is
averaged into a grid of cells (which also drowns encoding noise and scaling), and a cell counts as changed when any
colour channel moved by more than :data:`CELL_TOLERANCE`. Up to :data:`HOLD_SHARE` of the cells may change — a
running clock, a line of text crossing the picture, a burnt-in frame counter — and the picture still holds.

The search (pure; the service fetches): the storyboard's tiles, compared with the reference picture, say between
which two tiles the picture stops holding; exact-frame pictures then confirm both ends (widening when a tile
misled) and bisect the interval, one picture per step, about log2(frames between tiles) in all.
:func:`find_edge` is a generator: it yields the frame it wants to see, is sent whether that frame still holds the
reference picture, and returns the :class:`Edge`.

What counts as a slate (:func:`decide`): the picture at the start (or the end) must hold for at least
:data:`MIN_SLATE_MS` and give way to something else. A picture that holds from the first frame to the last is no
slate. When the recording is just two pictures, the shorter is the slate and the longer the programme.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from muxclipper.core.timecode import frame_to_ms

GRID_ROWS, GRID_COLUMNS = 18, 32
#: How far (0–255) a cell's average colour may move and still be the same: JPEG noise, scaling, a little flicker.
CELL_TOLERANCE = 28.0
#: How much of the picture may change and it still holds (a clock, moving text, a frame counter).
HOLD_SHARE = 0.25
#: Shorter than this, a held picture at the start or the end is not a slate.
MIN_SLATE_MS = 1000

Cell = tuple[float, float, float]
Picture = tuple[Cell, ...]  # GRID_ROWS × GRID_COLUMNS average colours, row by row


def to_grid(rgb: bytes, width: int, height: int) -> Picture:
    """An RGB image (``width`` × ``height`` pixels of 3 bytes, at least the grid's size) averaged into the comparison
    grid. Plain Python: the service shrinks a picture to the grid first (Pillow), so this adds up a few pixels per
    cell, and the app carries no array library for it."""
    if width < GRID_COLUMNS or height < GRID_ROWS or len(rgb) != width * height * 3:
        raise ValueError(f"an RGB image of at least {GRID_COLUMNS}×{GRID_ROWS} pixels, not {width}×{height} "
                         f"({len(rgb)} bytes)")
    rows = [row * height // GRID_ROWS for row in range(GRID_ROWS + 1)]
    columns = [column * width // GRID_COLUMNS for column in range(GRID_COLUMNS + 1)]
    cells: list[Cell] = []
    for top, bottom in pairwise(rows):
        for left, right in pairwise(columns):
            red = green = blue = 0
            for y in range(top, bottom):
                line = rgb[(y * width + left) * 3:(y * width + right) * 3]
                red += sum(line[0::3])
                green += sum(line[1::3])
                blue += sum(line[2::3])
            count = (bottom - top) * (right - left)
            cells.append((red / count, green / count, blue / count))
    return tuple(cells)


def changed_share(a: Picture, b: Picture) -> float:
    """The share of the picture (0–1) that differs between two grids: cells where any colour moved too far."""
    if len(a) != len(b) or not a:
        raise ValueError("two pictures of the same grid")
    moved = sum(1 for x, y in zip(a, b, strict=True)
                if max(abs(x[0] - y[0]), abs(x[1] - y[1]), abs(x[2] - y[2])) > CELL_TOLERANCE)
    return moved / len(a)


def same_picture(a: Picture, b: Picture) -> bool:
    return changed_share(a, b) <= HOLD_SHARE


@dataclass(frozen=True)
class Edge:
    """Where a held picture ends: ``held`` is the last frame showing it, ``changed`` the next frame that does not
    (after it going forward, before it going backward)."""

    held: int
    changed: int


def find_edge(origin: int, tile_frames: Sequence[int], tile_holds: Sequence[bool], extreme: int
              ) -> Generator[int, bool, Edge | None]:
    """Where the picture at ``origin`` stops holding, searching towards ``extreme`` (the last frame going forward,
    frame 0 going backward).

    ``tile_frames`` are the storyboard tiles' frames strictly between ``origin`` and ``extreme`` in search order,
    ``tile_holds`` whether each looked like the origin's picture. Yields frames to look at; is sent True when a
    frame holds the picture. Returns None when the picture holds all the way to ``extreme``.
    """
    stops = [origin, *tile_frames, extreme]
    holds: list[bool | None] = [True, *tile_holds, None]
    seen: dict[int, bool] = {origin: True}

    def look(index: int) -> Generator[int, bool, bool]:
        frame = stops[index]
        if frame not in seen:
            seen[frame] = yield frame
        return seen[frame]

    # The first stop that did not look like the origin (the extreme, unseen, is a candidate too).
    changed = next((i for i in range(1, len(stops)) if holds[i] is not True), len(stops) - 1)
    # Tiles are approximate (a real storyboard's tile may come from a neighbouring frame): confirm the stop that
    # changed, moving on while it holds after all, then the stop before it, moving back while it does not.
    while (yield from look(changed)):
        if changed == len(stops) - 1:
            return None
        changed += 1
    held = changed - 1
    while not (yield from look(held)):
        changed, held = held, held - 1
    low, high = stops[held], stops[changed]
    # Bisect: ``low`` holds, ``high`` does not.
    while abs(high - low) > 1:
        middle = low + (high - low) // 2  # strictly between the two, either way round
        if (yield middle):
            low = middle
        else:
            high = middle
    return Edge(low, high)


@dataclass(frozen=True)
class SlateEdges:
    """What :func:`decide` makes of the two searches, in frames of the source.

    ``programme_start``: the first frame after the opening slate (the In to propose), None without one;
    ``programme_end``: the first frame of the closing slate (the Out to propose: out points are exclusive), None
    without one. ``note`` says in words why a side has no slate.
    """

    programme_start: int | None
    programme_end: int | None
    frames: int
    rate: Fraction
    note: str | None = None

    @property
    def found(self) -> bool:
        return self.programme_start is not None or self.programme_end is not None

    @property
    def start_ms(self) -> int | None:
        return None if self.programme_start is None else frame_to_ms(self.programme_start, self.rate)

    @property
    def end_ms(self) -> int | None:
        return None if self.programme_end is None else frame_to_ms(self.programme_end, self.rate)


def decide(opening: Edge | None, closing: Edge | None, frames: int, rate: Fraction) -> SlateEdges:
    """The slates, from where the first frame's picture stops holding going forward (``opening``) and the last
    frame's going backward (``closing``); None means it held all the way."""
    if opening is None or closing is None:
        return SlateEdges(None, None, frames, rate, "the picture holds from the first frame to the last: no slate")
    start, end = opening.changed, closing.changed + 1  # first frame after the opening hold; first of the closing one
    if end <= start:
        # Two pictures, one after the other: the shorter is the slate, the longer the programme.
        if start <= frames - start:
            end = frames
        else:
            start = 0
    minimum = MIN_SLATE_MS * rate / 1000
    notes = []
    if start < minimum:
        notes.append("no opening slate" if start == 0 else "the opening picture holds for under a second: no slate")
        start = 0
    if frames - end < minimum:
        notes.append("no closing slate" if end == frames else "the closing picture holds for under a second: "
                     "no slate")
        end = frames
    return SlateEdges(start or None, end if end < frames else None, frames, rate, "; ".join(notes) or None)
