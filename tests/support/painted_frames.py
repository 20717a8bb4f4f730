"""The corpus's pictures painted here and piped to ffmpeg as raw frames, for the three-hour item.

ffmpeg drew them with ~60 ``drawbox`` filters (the stamp's band, the moving box, the seven-segment digits): for
323,677 frames that was ~25 s of the ~35 s of CPU the item cost, on a fresh clone of every run. The frames are the
same pictures, byte for byte (checked against the filters' first frames before each use), made from a few rows
kept per value: the band's halves, the box's rows, the digits' rows per thousands and per units to hundreds. ffmpeg
then only encodes.

Only the layout of the small items is handled (the band above the box, the box above the digits' segments); a
size that breaks it, or an ffmpeg that draws otherwise, leaves the item to the filters (``corpus._make``).
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from fractions import Fraction

from muxclipper.emulator.media import ffmpeg, stamp

#: What ffmpeg's ``color`` source and ``drawbox`` give in yuv420p (BT.601, limited range).
BACKGROUND = (80, 147, 112)  # 0x305070
WHITE = (235, 128, 128)
BLACK = (16, 128, 128)


def box_rows(height: int) -> tuple[int, int]:
    """The box's top row and its size: ``y=ih/3`` and ``h=ih/5``, which drawbox truncates."""
    return int(height / 3), int(height / 5)


class Layout:
    """Rows of one size: which rows hold what, and the bytes kept for each."""

    def __init__(self, width: int, height: int, rate: Fraction, digits: int, box_x: int) -> None:
        from tests.support.corpus import SEGMENTS, digit_layout

        self.width, self.height, self.rate = width, height, rate
        self.block = stamp.block_size(height)
        self.box_y, self.box_size = box_rows(height)
        layout = digit_layout(width, height, digits)
        self.backing = layout.backing
        boxes = [box for place in layout.segments.values() for box in place.values()]
        self.glyph_top = min(y for _, y, _, _ in boxes)
        self.glyph_bottom = max(y + h for _, y, _, h in boxes)
        if not (width % 2 == 0 and height % 2 == 0 and self.block <= self.box_y
                and self.box_y + self.box_size <= self.glyph_top and self.block * stamp.BITS <= width
                and self.backing[0] == 0 and self.backing[1] >= self.block):
            raise ValueError(f"{width}x{height}: the rows overlap; draw this size with ffmpeg's filters")
        self.digits = digits
        self.split = 3 if digits > 3 else digits  # units to hundreds on the right; the rest on the left
        # The columns of the right part (units to hundreds) start where the hundreds do.
        self.split_x = min(x for x, _, _, _ in layout.segments[self.split - 1].values())
        self._segments, self._lit = layout.segments, SEGMENTS
        self._background = bytes([BACKGROUND[0]]) * width
        self._band_halves: dict[int, bytes] = {}  # the lower and the upper half alike
        self._box_row = self._row(box_x, self.box_size, False)
        self._backed_box_row = self._row(box_x, self.box_size, True)
        self._backed = self._row(width, 0, True)
        self._left: dict[int, list[bytes]] = {}
        self._right: dict[int, list[bytes]] = {}
        self._chroma = self._chroma_planes(box_x)

    def _row(self, x: int, size: int, backed: bool) -> bytes:
        """A row with the box at ``x`` (``size`` wide, clipped at the edge) and the digits' black backing."""
        row = bytearray(self._background)
        end = min(x + size, self.width)
        row[x:end] = bytes([WHITE[0]]) * (end - x)  # the box first, the backing over it: ffmpeg's order
        if backed:
            bx, _, bw, _ = self.backing
            row[bx:bx + bw] = bytes([BLACK[0]]) * bw
        return bytes(row)

    def _half_band(self, value: int) -> bytes:
        """Half the band: ``value``'s BITS/2 bits, lowest first, a block each."""
        if value not in self._band_halves:
            self._band_halves[value] = b"".join(bytes([WHITE[0] if value >> bit & 1 else BLACK[0]]) * self.block
                                                for bit in range(stamp.BITS // 2))
        return self._band_halves[value]

    def _band(self, n: int) -> bytes:
        half = stamp.BITS // 2
        return (self._half_band(n & ((1 << half) - 1)) + self._half_band(n >> half)
                + self._background[self.block * stamp.BITS:])

    def _glyph_rows(self, value: int, places: range, start: int, end: int) -> list[bytes]:
        """Rows glyph_top.. of columns ``start``..``end`` for ``value``'s digits at ``places``."""
        canvas = [bytearray(bytes([BLACK[0]]) * (end - start)) for _ in range(self.glyph_bottom - self.glyph_top)]
        for place in places:
            digit = value // 10 ** (place - places.start) % 10
            for segment, (x, y, w, h) in self._segments[place].items():
                if digit in self._lit[segment]:
                    for row in range(y - self.glyph_top, y - self.glyph_top + h):
                        canvas[row][x - start:x - start + w] = bytes([WHITE[0]]) * w
        return [bytes(row) for row in canvas]

    def _digit_rows(self, n: int) -> list[bytes]:
        high, low = divmod(n, 10 ** self.split)
        if high not in self._left:
            self._left[high] = self._glyph_rows(high, range(self.split, self.digits), 0, self.split_x)
        if low not in self._right:
            bx, _, bw, _ = self.backing
            self._right[low] = [row + self._background[bx + bw:] for row in
                                self._glyph_rows(low, range(self.split), self.split_x, bx + bw)]
        return [a + b for a, b in zip(self._left[high], self._right[low], strict=True)]

    def _chroma_planes(self, x: int) -> bytes:
        """U then V: the background's colour, 128 where any of the four pixels under a sample is painted."""
        painted = [[False] * self.width for _ in range(self.height)]
        for row in range(self.block):
            painted[row][:self.block * stamp.BITS] = [True] * (self.block * stamp.BITS)
        for row in range(self.box_y, self.box_y + self.box_size):
            painted[row][x:min(x + self.box_size, self.width)] = [True] * (min(x + self.box_size, self.width) - x)
        bx, by, bw, bh = self.backing
        for row in range(by, min(by + bh, self.height)):
            painted[row][bx:bx + bw] = [True] * bw
        planes = []
        for value in BACKGROUND[1:]:
            plane = bytearray()
            for cy in range(self.height // 2):
                for cx in range(self.width // 2):
                    block = (painted[2 * cy][2 * cx], painted[2 * cy][2 * cx + 1], painted[2 * cy + 1][2 * cx],
                             painted[2 * cy + 1][2 * cx + 1])
                    plane.append(128 if any(block) else value)
            planes.append(bytes(plane))
        return b"".join(planes)

    def frame(self, n: int) -> bytes:
        """Frame ``n`` in yuv420p."""
        band = self._band(n)
        _, by, _, bh = self.backing
        rows: list[bytes] = []
        digit_rows = self._digit_rows(n)
        for row in range(self.height):
            if row < self.block:
                rows.append(band)
            elif self.glyph_top <= row < self.glyph_bottom:
                rows.append(digit_rows[row - self.glyph_top])
            else:
                in_box = self.box_y <= row < self.box_y + self.box_size
                backed = by <= row < by + bh
                rows.append((self._backed_box_row if backed else self._box_row) if in_box else
                            self._backed if backed else self._background)
        rows.append(self._chroma)
        return b"".join(rows)

    def frames(self, count: int, batch: int = 2000) -> Iterator[bytes]:
        """The frames 0..count-1, ``batch`` at a time (one write each)."""
        for first in range(0, count, batch):
            yield b"".join(self.frame(n) for n in range(first, min(first + batch, count)))


def filters_frames(chain: str, width: int, height: int, rate: Fraction, count: int) -> bytes:
    """The first ``count`` frames as the filters draw them, raw yuv420p."""
    source = f"color=c=0x305070:size={width}x{height}:rate={rate}:duration={float(count / rate):.6f}"
    return subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi",
                           "-i", source, "-vf", chain, "-frames:v", str(count), "-pix_fmt", "yuv420p", "-f", "rawvideo",
                           "pipe:1"], capture_output=True, check=True, timeout=120, env=ffmpeg.child_env()).stdout


def painted_layout(chain: str, width: int, height: int, rate: Fraction, digits: int, checked: int = 1100
                   ) -> Layout | None:
    """A layout whose frames are the filters' ``chain``'s, byte for byte, over the first ``checked`` frames (past
    the thousands' first change and the band's first upper bit), or None if this ffmpeg draws otherwise.

    The box: ffmpeg's drawbox works out ``x`` once, not per frame, so the corpus's "moving" box stands where it was
    put first; it is found where this ffmpeg puts it."""
    reference = filters_frames(chain, width, height, rate, checked)
    size = width * height * 3 // 2
    if len(reference) != size * checked:
        return None
    box_y, _ = box_rows(height)
    box_x = reference[box_y * width:(box_y + 1) * width].find(bytes([WHITE[0]]))
    try:
        layout = Layout(width, height, rate, digits, box_x=width if box_x < 0 else box_x)
    except ValueError:
        return None
    if any(layout.frame(n) != reference[n * size:(n + 1) * size] for n in range(checked)):
        return None
    return layout


def encode(layout: Layout, count: int, video: tuple[str, ...], path: str, timeout: float) -> None:
    """``count`` frames of ``layout`` encoded by ffmpeg with ``video``'s settings into ``path`` (mp4)."""
    rate = f"{layout.rate.numerator}/{layout.rate.denominator}"
    # setsar: the square pixels the lavfi source declares, so that the file says what the filters' file said.
    command = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo",
               "-pix_fmt", "yuv420p", "-s", f"{layout.width}x{layout.height}", "-framerate", rate, "-i", "pipe:0",
               "-vf", "setsar=1", *video, "-f", "mp4", path]
    with tempfile.TemporaryFile() as errors, subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors,
                                                              env=ffmpeg.child_env()) as process:
        assert process.stdin is not None
        try:
            try:
                for chunk in layout.frames(count):
                    process.stdin.write(chunk)
                process.stdin.close()
            except BrokenPipeError:  # ffmpeg stopped reading: it has said why on its standard error
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
            code = process.wait(timeout)
        except BaseException:
            process.kill()
            raise
        errors.seek(0)
        said = errors.read().decode(errors="replace").strip()
    if code != 0:
        raise ffmpeg.FfmpegError(said.splitlines()[-1] if said else f"ffmpeg exited {code}")
