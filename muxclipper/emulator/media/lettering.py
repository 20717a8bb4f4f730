"""The words and numbers in the emulator's generated pictures (slate cards, the label, the running timecode and frame
number), drawn by Pillow and laid over the frames by ffmpeg's ``overlay`` filter.

ffmpeg's own ``drawtext`` is not used: it needs a font file or fontconfig (a stock Mac, a minimal Linux and the
static Windows ffmpeg each lacked one), some ffmpeg builds have no ``drawtext`` at all, and its options live inside
the filter graph, where a Windows path's drive colon is a separator. Here every picture is an ordinary ffmpeg input
(its path is one command-line argument, never part of the filter graph) and the font is Pillow's own, so the demo is
made the same way on every system. Text that changes every frame (the timecode, the frame number) is one strip of
the ten digits per size, cropped to the right digit for each frame (``crop`` evaluates its position per frame).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WHITE = (255, 255, 255, 255)
BOX = (0, 0, 0, 153)  # black at 60 %, as drawtext's boxcolor=black@0.6 was
RGBA = tuple[int, int, int, int]
#: ffmpeg's ``%{pts:hms}``: hours, minutes, seconds and milliseconds.
CLOCK_TEMPLATE = "00:00:00.000"


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's built-in font (Aileron, public domain) at ``size`` pixels: no font file on the system is needed."""
    return ImageFont.load_default(size)


def colour(hex_rgb: str) -> RGBA:
    """``0x1c2444`` (ffmpeg's notation) as RGBA."""
    value = int(hex_rgb, 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255, 255


@dataclass(frozen=True)
class Cells:
    """A line of text in cells of one width (the widest character), so that digits can be swapped in place."""

    size: int
    width: int
    height: int

    @staticmethod
    def for_text(text: str, size: int) -> Cells:
        face = font(size)
        chars = set(text) | set("0123456789")
        width = max(int(face.getlength(c) + 0.999) for c in chars)
        ascent, descent = face.getmetrics() if isinstance(face, ImageFont.FreeTypeFont) else (size, 0)
        return Cells(size, max(width, 1), max(ascent + descent, 1))

    def draw(self, image: Image.Image, text: str, x: int, y: int, fill: RGBA = WHITE) -> None:
        drawing = ImageDraw.Draw(image)
        for index, char in enumerate(text):
            if char != " ":
                drawing.text((x + index * self.width + self.width / 2, y), char, font=font(self.size),
                             fill=fill, anchor="ma")


def text_image(text: str, size: int, *, box: bool = False, fill: RGBA = WHITE, pad: int = 2) -> Image.Image:
    """``text`` on a transparent picture just big enough (on a 60 % black box when ``box``)."""
    face = font(size)
    left, top, right, bottom = (int(v) for v in face.getbbox(text))
    image = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), BOX if box else (0, 0, 0, 0))
    ImageDraw.Draw(image).text((pad - left, pad - top), text, font=face, fill=fill)
    return image


def card(size: tuple[int, int], background: RGBA, lines: list[tuple[str, int, int, RGBA]]) -> Image.Image:
    """A full-frame slate: ``background`` with each ``(text, font size, top y, colour)`` centred across it."""
    image = Image.new("RGBA", size, background)
    drawing = ImageDraw.Draw(image)
    for text, font_size, y, fill in lines:
        drawing.text((size[0] / 2, y), text, font=font(font_size), fill=fill, anchor="ma")
    return image


def frame_count(duration: float, rate: Fraction) -> int:
    """How many frames ffmpeg's colour bars of ``duration`` seconds at ``rate`` have: every frame that starts before
    the end (10.49 frames' worth is 11). The pictures laid over them must last as many, and the frame number have
    the digits of the last one. Exact for a duration to the millisecond; past that, ffmpeg's microsecond rounding
    can make the bars one frame fewer (a looped picture then has one frame more than needed, which is harmless)."""
    return max(math.ceil(Fraction(f"{duration:.6f}") * rate), 1)


def _counter_text(frame_number: int | None) -> str:
    return CLOCK_TEMPLATE + (f"  #{'0' * frame_number}" if frame_number else "")


def counter_size(size: int, *, box: bool, frame_number: int | None = None) -> tuple[int, int]:
    """The width and height of :meth:`Layers.counter`'s line."""
    text = _counter_text(frame_number)
    cells = Cells.for_text(text, size)
    pad = 2 if box else 0
    return cells.width * len(text) + 2 * pad, cells.height + 2 * pad


@dataclass
class _Input:
    path: Path
    looped: bool


@dataclass
class Layers:
    """A filter graph that starts from ``[0:v]`` and adds filters and pictures in order; :meth:`args` gives the
    ffmpeg arguments (picture inputs first, numbered from ``first_input``) and the graph, which ends in ``[v]``.

    Pictures are written as PNGs into ``directory`` (the caller removes it when ffmpeg is done).
    """

    directory: Path
    rate: Fraction
    duration: float
    first_input: int
    _inputs: list[_Input] = field(default_factory=list)
    _chains: list[str] = field(default_factory=list)
    _pending: list[str] = field(default_factory=list)
    _label: str = "0:v"
    _strips: dict[int, int] = field(default_factory=dict)  # font size -> input index of its digit strip
    _strip_uses: dict[int, int] = field(default_factory=dict)

    def filter(self, chain: str) -> None:
        """Plain filters (drawbox…) applied to the picture as it is at this point."""
        self._pending.append(chain)

    def _step(self, overlay_input: str, x: int | str, y: int | str, enable: str | None) -> None:
        out = f"l{len(self._chains)}"
        head = f"[{self._label}]" + (",".join(self._pending) + "[p" + out + "];[p" + out + "]" if self._pending else "")
        self._pending.clear()
        timeline = f":enable='{enable}'" if enable else ""
        self._chains.append(f"{head}[{overlay_input}]overlay=x={x}:y={y}:eof_action=repeat{timeline}[{out}]")
        self._label = out

    def _add_input(self, image: Image.Image, looped: bool) -> int:
        path = self.directory / f"layer-{len(self._inputs)}.png"
        image.save(path)
        self._inputs.append(_Input(path, looped))
        return self.first_input + len(self._inputs) - 1

    def picture(self, image: Image.Image, x: int | str, y: int | str, enable: str | None = None) -> None:
        """``image`` laid at ``x``, ``y`` (numbers or overlay expressions), while ``enable`` (an expression) holds."""
        self._step(f"{self._add_input(image, looped=False)}:v", x, y, enable)

    def _digit_strip(self, cells: Cells) -> int:
        if cells.size not in self._strips:
            strip = Image.new("RGBA", (cells.width, cells.height * 10), (0, 0, 0, 0))
            for digit in range(10):
                cells.draw(strip, str(digit), 0, digit * cells.height)
            # Looped at the video's rate, one picture per frame: crop's frame number is the video's.
            self._strips[cells.size] = self._add_input(strip, looped=True)
        return self._strips[cells.size]

    def counter(self, *, size: int, x: int, y: int, box: bool, frame_number: int | None = None,
                enable: str | None = None) -> None:
        """The running timecode, and ``#`` and the frame number zero-padded to
        ``frame_number`` digits when given, with its top left corner at ``x``, ``y`` (:func:`counter_size`).

        The digits are laid on the line's own small picture first, and the line once on the frame: an overlay on
        the frame costs a copy of the whole frame. A digit that stays 0 for the whole duration is drawn once."""
        text = _counter_text(frame_number)
        cells = Cells.for_text(text, size)
        pad = 2 if box else 0
        num, den = self.rate.numerator, self.rate.denominator
        # The frame's time as the window writes it (core/timecode.py's frame_to_ms): its start rounded up to the
        # millisecond, the first one at which it is on screen. ffmpeg's %{pts:hms} rounds down, and frame 5 at 30 fps
        # read 00:00:00.166 on the picture while the window's field said .167 (and .166 typed is frame 4).
        ms = f"ceil(n*{1000 * den}/{num})"
        last_ms = int(self.duration * 1000)
        last_frame = frame_count(self.duration, self.rate) - 1
        fields = [(0, f"floor({ms}/3600000)", 2, last_ms // 3600000), (3, f"mod(floor({ms}/60000),60)", 2,
                  59 if last_ms >= 3600000 else last_ms // 60000), (6, f"mod(floor({ms}/1000),60)", 2, 59),
                  (9, f"mod({ms},1000)", 3, 999)]
        if frame_number:
            fields.append((len(CLOCK_TEMPLATE) + 3, "n", frame_number, last_frame))
        moving: list[tuple[int, str, int]] = []  # cell, value expression, power of ten
        for start, value, digits, largest in fields:
            for position in range(digits):
                power = 10 ** (digits - 1 - position)
                if largest >= power:
                    moving.append((start + position, value, power))
        static = "".join(" " if any(cell == index for cell, _, _ in moving) else c for index, c in enumerate(text))
        line = Image.new("RGBA", counter_size(size, box=box, frame_number=frame_number), BOX if box else (0, 0, 0, 0))
        cells.draw(line, static, pad, pad)
        base = self._add_input(line, looped=True)
        strip = self._digit_strip(cells)
        current = self._stream(base)
        for cell, value, power in moving:
            use = self._strip_uses.get(strip, 0)
            self._strip_uses[strip] = use + 1
            digit, out = f"s{strip}u{use}", f"c{strip}u{use}"
            self._chains.append(f"[d{strip}_{use}]crop=w={cells.width}:h={cells.height}:x=0:"
                                f"y='{cells.height}*mod(floor(({value})/{power}),10)'[{digit}]")
            self._chains.append(f"[{current}][{digit}]overlay=x={pad + cell * cells.width}:y={pad}:format=rgb"
                                f"[{out}]")
            current = out
        self._step(current, x, y, enable)

    def _stream(self, index: int) -> str:
        """The graph's name for input ``index``: a looped picture's repeated frames, else the input itself."""
        position = index - self.first_input
        assert 0 <= position < len(self._inputs), (index, self.first_input)
        return f"r{index}" if self._inputs[position].looped else f"{index}:v"

    def args(self) -> tuple[list[str], str]:
        inputs: list[str] = []
        # A looped picture is read and decoded once, and its frame repeated by the ``loop`` filter, one per frame of
        # the video and timed as the video's. image2's own ``-loop 1`` decoded the PNG again for every frame (a fifth
        # of the talk's filtering), and its ``-t`` rounded the count where the colour bars round it up: 10.49 frames'
        # worth gave 10 pictures for 11 frames, and the last frame showed the counter of the one before.
        frames = frame_count(self.duration, self.rate)
        repeats = []
        for index, item in enumerate(self._inputs, start=self.first_input):
            # No file name patterns (a '%' in a folder's name is just a character), and the path is an argument of
            # its own: nothing in it needs escaping.
            inputs += ["-f", "image2", "-pattern_type", "none", "-i", str(item.path.resolve())]
            if item.looped:
                repeats.append(f"[{index}:v]loop=loop={frames - 1}:size=1,"
                               f"settb={self.rate.denominator}/{self.rate.numerator},setpts=N[{self._stream(index)}]")
        splits = []
        for strip, uses in self._strip_uses.items():
            outs = "".join(f"[d{strip}_{use}]" for use in range(uses))
            splits.append(f"[{self._stream(strip)}]split={uses}{outs}" if uses > 1
                          else f"[{self._stream(strip)}]null{outs}")
        tail = f"[{self._label}]" + (",".join(self._pending) if self._pending else "null") + "[v]"
        return inputs, ";".join([*repeats, *splits, *self._chains, tail])
