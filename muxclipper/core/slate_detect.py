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

What counts as a slate (:func:`judge`, then :func:`decide`) — nothing is proposed on a guess:

- *its still part*: what stays the same through the picture's first second (:func:`still_mask`; a clock, a ticker,
  a looping background move in place and are left out). At least :data:`MIN_STILL_SHARE` of the picture; the edge is
  where that part stops holding;
- it holds for at least :data:`MIN_SLATE_MS`, and every picture looked at inside it holds;
- it ends with a *cut*: from its last frame to the next, at least :data:`MIN_CUT_SHARE` of its still part changes (a
  fade, a dissolve or a moving picture changes a little at a time and is no clear edge), and half a second later it
  has not come back;
- graphics hold or change, a camera's picture wobbles: at most :data:`MAX_DRIFT_SHARE` of the still part may change
  a little (more than :data:`STILL_TOLERANCE`, not enough to count as changed) while it holds — a presenter standing
  still, a dark quiet scene, is no slate.

Otherwise the side gets no proposal and the :class:`EdgeEvidence`'s ``problem`` says, in words, what was seen and
where. A picture that holds from the first frame to the last is no slate. When the recording is just two pictures,
the shorter is the slate and the longer the programme.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from muxclipper.core.timecode import format_ms, frame_to_ms

GRID_ROWS, GRID_COLUMNS = 18, 32
#: How far (0–255) a cell's average colour may move and still be the same: JPEG noise, scaling, a little flicker.
CELL_TOLERANCE = 28.0
#: How much of the picture may change and it still holds (a clock, moving text, a frame counter).
HOLD_SHARE = 0.25
#: Of a held picture's still part, at most this share may differ and it still holds.
MASK_HOLD_SHARE = 0.5
#: Shorter than this, a held picture at the start or the end is not a slate.
MIN_SLATE_MS = 1000
#: Where the still part is learnt: the pictures this far from the start (or the end), inside :data:`MIN_SLATE_MS`.
EARLY_SAMPLES_MS = (450, 900)
#: A cell whose colour moved by no more than this (0–255) between pictures of a held span did not move at all.
STILL_TOLERANCE = 10.0
#: A held picture keeps at least this share of itself still (the rest may move in place: a clock, a ticker, a loop).
MIN_STILL_SHARE = 0.3
#: At a slate's edge, at least this share of its still part changes from one frame to the next: a cut.
MIN_CUT_SHARE = 0.5
#: At most this share of the still part may wobble (change a little) while the picture holds.
MAX_DRIFT_SHARE = 0.045
#: How far past the edge the programme is checked not to be the slate again (a flash is no edge).
AFTER_MS = 500

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


Mask = tuple[bool, ...]  # per cell: part of the held picture's still part


def _moved(x: Cell, y: Cell) -> float:
    return max(abs(x[0] - y[0]), abs(x[1] - y[1]), abs(x[2] - y[2]))


def still_mask(reference: Picture, samples: Sequence[Picture]) -> Mask:
    """The cells that stay the same (within :data:`CELL_TOLERANCE`) in every sample: the picture's still part."""
    return tuple(all(_moved(cell, sample[index]) <= CELL_TOLERANCE for sample in samples)
                 for index, cell in enumerate(reference))


def whole(picture: Picture) -> Mask:
    return (True,) * len(picture)


def share_of(mask: Mask) -> float:
    return sum(mask) / len(mask) if mask else 0.0


def masked_share(a: Picture, b: Picture, mask: Mask, tolerance: float = CELL_TOLERANCE) -> float:
    """The share (0–1) of the still part ``mask`` that differs between two pictures by more than ``tolerance``."""
    if len(a) != len(b) or len(a) != len(mask):
        raise ValueError("two pictures and a mask of the same grid")
    cells = sum(mask)
    if not cells:
        return 1.0
    return sum(1 for x, y, keep in zip(a, b, mask, strict=True) if keep and _moved(x, y) > tolerance) / cells


def holds(reference: Picture, picture: Picture, mask: Mask) -> bool:
    """Whether ``picture`` still shows the held picture: most of its still part is unchanged (a looping background
    may cross cells that kept still in the first second)."""
    return masked_share(reference, picture, mask) <= MASK_HOLD_SHARE


def drift_share(reference: Picture, samples: Sequence[Picture], mask: Mask) -> float:
    """The share of the still part that wobbles across ``samples``: moved more than :data:`STILL_TOLERANCE` but never
    enough to count as changed. Graphics hold or change; a camera's picture (a presenter's soft edges as they sway, a
    dim figure in a dark scene) changes a little."""
    cells = sum(mask)
    if not cells or not samples:
        return 0.0
    wobbling = 0
    for index, (cell, keep) in enumerate(zip(reference, mask, strict=True)):
        if keep:
            most = max(_moved(cell, sample[index]) for sample in samples)
            wobbling += STILL_TOLERANCE < most <= CELL_TOLERANCE
    return wobbling / cells


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
class EdgeEvidence:
    """What was seen at one side (``opening`` or ``closing``): how long its first picture held, how much of it held
    still, how much changed at its edge; ``problem`` says in words why it is no clear slate (None: it is one)."""

    side: str
    rate: Fraction
    edge: Edge | None = None
    held_frames: int = 0          # frames the picture held, from the first (or last) frame to the edge
    still_share: float = 0.0      # share of the picture that held still
    cut_share: float = 0.0        # share of the still part that changed from the last held frame to the next
    drift_share: float = 0.0      # share of the still part that wobbled while it held
    after_share: float = 0.0      # share of the still part still changed AFTER_MS past the edge
    lead_frames: int = 0          # frames of a lead-in (black, noise) looked past before the held picture
    samples: int = 0              # pictures looked at inside the held span
    problem: str | None = None

    @property
    def clear(self) -> bool:
        return self.problem is None and self.edge is not None

    @property
    def held_ms(self) -> int:
        return frame_to_ms(self.held_frames, self.rate)

    def as_dict(self) -> dict[str, object]:
        return {"clear": self.clear, "held_ms": self.held_ms, "held_frames": self.held_frames,
                "lead_in_frames": self.lead_frames, "still_share": round(self.still_share, 3),
                "cut_share": round(self.cut_share, 3), "drift_share": round(self.drift_share, 3),
                "after_share": round(self.after_share, 3), "pictures_inside": self.samples,
                "last_held_frame": None if self.edge is None else self.edge.held,
                "first_changed_frame": None if self.edge is None else self.edge.changed,
                "problem": self.problem}


def _where(frame: int, rate: Fraction) -> str:
    return f"#{frame} ({format_ms(frame_to_ms(frame, rate))})"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def judge(side: str, rate: Fraction, edge: Edge | None, *, still: float, held_frames: int, cut: float,
          drift: float, after: float, inside_holds: bool, samples: int, lead_frames: int = 0) -> EdgeEvidence:
    """The evidence at one side, and in words why it is not a clear slate when it is not. ``still``: the share of the
    picture that held still in its first second; ``cut``, ``after``: the share of that still part changed from the
    last held frame to the next, and :data:`AFTER_MS` later; ``drift``: the share that wobbled while it held;
    ``inside_holds``: every picture looked at inside the held span held."""
    picture = "opening picture" if side == "opening" else "closing picture"
    evidence = EdgeEvidence(side, rate, edge, held_frames, still, cut, drift, after, lead_frames, samples)
    held = format_seconds(frame_to_ms(held_frames, rate))
    problem: str | None = None
    if still < MIN_STILL_SHARE:
        problem = (f"the {picture} does not hold: only {_percent(still)} of it stays the same through its first "
                   "second (it moves, as a programme does)")
    elif edge is None:
        problem = "the picture holds from the first frame to the last"
    elif held_frames < MIN_SLATE_MS * rate / 1000:
        problem = f"the {picture} holds for {held} only, under the second a slate holds"
    elif not inside_holds:
        problem = (f"the {picture} changes and comes back before {_where(edge.changed, rate)}: no single held "
                   "picture")
    elif cut < MIN_CUT_SHARE:
        problem = (f"the {picture} holds for {held}, then changes gradually at {_where(edge.changed, rate)} (only "
                   f"{_percent(cut)} of it changes from one frame to the next: a fade or movement, not a cut)")
    elif after <= MASK_HOLD_SHARE:
        problem = (f"the {picture} changes at {_where(edge.changed, rate)} but is back {AFTER_MS} ms later (a flash, "
                   "not its end)")
    elif drift > MAX_DRIFT_SHARE:
        problem = (f"the {picture} holds for {held}, but {_percent(drift)} of it keeps changing a little (a scene "
                   "with small movement, not a held slate); it cuts at " + _where(edge.changed, rate))
    return EdgeEvidence(evidence.side, rate, edge, held_frames, still, cut, drift, after, lead_frames, samples,
                        problem)


def format_seconds(ms: int) -> str:
    return f"{ms / 1000:.2f} s"


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
    opening: EdgeEvidence | None = None   # what was seen at each side (None: not looked at)
    closing: EdgeEvidence | None = None

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


#: Said of a recording still growing whose closing slate is not there yet.
CLOSING_NOT_YET = "still recording: the closing slate has not appeared yet"


def decide_sides(opening: EdgeEvidence, closing: EdgeEvidence | None, frames: int, rate: Fraction) -> SlateEdges:
    """The slates from what was seen at each side; a side that is no clear slate is not proposed, and the note says
    why in words. ``closing`` None: a recording still growing whose closing slate has not appeared (yet)."""
    if opening.edge is None and opening.still_share >= MIN_STILL_SHARE:
        if closing is None:
            return SlateEdges(None, None, frames, rate, "still recording: the opening picture holds up to the live "
                              "edge, its end is not recorded yet (search again once the programme has begun)",
                              opening, closing)
        if closing.edge is None:
            return SlateEdges(None, None, frames, rate, "the picture holds from the first frame to the last: no "
                              "slate", opening, closing)
    start = opening.edge.changed if opening.clear and opening.edge is not None else None
    end = closing.edge.changed + 1 if closing is not None and closing.clear and closing.edge is not None else None
    notes: list[str] = []
    if start is not None and end is not None and end <= start:
        # Two pictures, one after the other: the shorter is the slate, the longer the programme.
        if start <= frames - start:
            end = None
            notes.append("no closing slate: the recording is two pictures, the opening slate and the programme")
        else:
            start = None
            notes.append("no opening slate: the recording is two pictures, the programme and the closing slate")
    if start is None and not notes:
        notes.append(f"no opening slate ({opening.problem})" if opening.problem else "no opening slate")
    if closing is None:
        notes.append(CLOSING_NOT_YET)
    elif end is None and not any(n.startswith("no closing") for n in notes):
        notes.append(f"no closing slate ({closing.problem})" if closing.problem else "no closing slate")
    return SlateEdges(start, end, frames, rate, "; ".join(notes) or None, opening, closing)
