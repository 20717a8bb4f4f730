"""A labelled corpus for slate finding: small videos made by ffmpeg from a recipe, each with the truth recorded.

Every item is a sequence of *parts* (a slate, the programme, black, a scene…), each a whole number of frames, so the
frame where one part gives way to the next is known exactly. Slates are drawn without fonts (boxes stand for the
text), the programme moves (a scrolling test picture whose colours turn), and the openings that are not slates are
what a detector that "waits for the picture to change" mistakes for one: a moving test pattern, a fade up from black,
a dark quiet scene, a cut to black in the middle, a presenter standing still.

Items are tiny (192x108, a few seconds; the ten-minute slate is a still picture, cheap to encode) and cached by the
hash of their recipe (:mod:`tests.support.media_cache`), so the suite makes each once. Ingest one into the emulator
with ``{"inputs": [{"url": item_path(item).as_uri()}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from muxclipper.emulator.media import ffmpeg
from tests.support.media_cache import cached

WIDTH, HEIGHT = 192, 108
RECIPE_VERSION = 3
FPS = {"25": "25", "29.97": "30000/1001", "59.94": "60000/1001"}

# Each part is a piece of ffmpeg filter graph ending in ``[raw{i}]``. Still things are drawn with drawbox; things that
# move are small pictures overlaid at a position computed per frame (drawbox does not move).
_CARD = ("color=c=0x1c2444:s={size}:r={rate},"
         "drawbox=x=iw*0.12:y=ih*0.18:w=iw*0.76:h=ih*0.16:color=white:t=fill,"
         "drawbox=x=iw*0.25:y=ih*0.42:w=iw*0.5:h=ih*0.08:color=0xc0c8e0:t=fill,"
         "drawbox=x=iw*0.04:y=ih*0.06:w=iw*0.14:h=ih*0.1:color=0xe0b030:t=fill")


def _moving(base: str, *things: tuple[str, str, str, str]) -> str:
    """``base`` (ending in a label-less chain) with each (colour, WxH, x, y) box overlaid at x, y (per frame)."""
    parts = [f"{base}[m{{i}}x0]"]
    for k, (colour, box, x, y) in enumerate(things):
        parts.append(f"color=c={colour}:s={box}:r={{rate}}[m{{i}}b{k}]")
        parts.append(f"[m{{i}}x{k}][m{{i}}b{k}]overlay=x='{x}':y='{y}':eval=frame:shortest=1[m{{i}}x{k + 1}]")
    parts.append(f"[m{{i}}x{len(things)}]null[raw{{i}}]")
    return ";".join(parts)


_FIGURE_X = "3*sin(t*1.1)"
_HEAD = f"{_FIGURE_X}+1.5*sin(t*2.3)"
PARTS = {
    "black": "color=c=black:s={size}:r={rate}[raw{i}]",
    "bars": "smptehdbars=s={size}:r={rate}[raw{i}]",
    "card": _CARD + "[raw{i}]",
    # A countdown: the bar steps left every second, the seconds' box jumps, the colon blinks.
    "countdown": _moving(_CARD + ",drawbox=x=iw*0.47:y=ih*0.54:w=4:h=4:color=white:t=fill:"
                                 "enable='lt(mod(t,1),0.5)'",
                         ("0x40c060", "116x6", "38-2*mod(floor(t),60)", "67"),
                         ("white", "8x10", "62+8*mod(floor(t),10)", "56")),
    # Bright bars slide behind a card covering the middle, looping every few seconds.
    "animated": _moving("color=c=0x102040:s={size}:r={rate}",
                        *[("0x60a0ff", "14x108", f"mod(t*56+{k * 52},206)-14", "0") for k in range(4)]).replace(
        "null[raw{i}]", "drawbox=x=iw*0.18:y=ih*0.14:w=iw*0.64:h=ih*0.72:color=0xf0f0f0:t=fill,"
                        "drawbox=x=iw*0.26:y=ih*0.3:w=iw*0.48:h=ih*0.12:color=0x1c2444:t=fill,"
                        "drawbox=x=iw*0.32:y=ih*0.56:w=iw*0.36:h=ih*0.08:color=0x8a1538:t=fill[raw{i}]"),
    # Words crawl along a band at the bottom.
    "ticker": _moving(_CARD + ",drawbox=x=0:y=ih*0.84:w=iw:h=ih*0.1:color=0x000000:t=fill",
                      *[("white", "24x6", f"mod({k * 36}-t*48,216)-24", "93") for k in range(6)]),
    # The programme: a test picture scrolling sideways while its colours turn (it never holds).
    "programme": "testsrc2=s={size}:r={rate},scroll=h=0.012,hue=H=t*0.6[raw{i}]",
    # What a producer calls a moving test pattern (ffmpeg's own, a band turning over the bars).
    "pattern": "testsrc2=s={size}:r={rate}[raw{i}]",
    # Black, then the programme fades up over 2 s.
    "fade": "testsrc2=s={size}:r={rate},scroll=h=0.012,fade=t=in:st=0.4:d=2[raw{i}]",
    # A dim stage: a figure moving slowly in the dark, the light breathing a little, grain.
    "dark": _moving("color=c=0x16181e:s={size}:r={rate}",
                    ("0x34363e", "24x64", "78+10*sin(t*0.7)", "44"),
                    ("0x44403c", "12x14", "84+10*sin(t*0.7)", "28")).replace(
        "null[raw{i}]", "eq=brightness='0.015*sin(t*2.1)':eval=frame,noise=alls=6:allf=t[raw{i}]"),
    # A presenter standing still at a desk, as a camera sees one: swaying a little, nodding, talking; soft edges.
    "presenter": _moving("color=c=0x8a7a66:s={size}:r={rate},drawbox=x=0:y=ih*0.78:w=iw:h=ih*0.22:"
                         "color=0x503020:t=fill",
                         ("0x203050", "32x46", f"80+{_FIGURE_X}", "50"),
                         ("0xd8a888", "16x22", f"88+{_HEAD}", "26+1.5*sin(t*1.7)"),
                         ("0x602020", "8x2", f"92+{_HEAD}", "41+1.5*sin(t*1.7)+abs(2*sin(t*9))")).replace(
        "null[raw{i}]", "gblur=sigma=2,noise=alls=4:allf=t[raw{i}]"),
}
SLATE_PARTS = ("black", "bars", "card", "countdown", "animated", "ticker")


@dataclass(frozen=True)
class Part:
    kind: str
    seconds: float


@dataclass(frozen=True)
class Item:
    """One corpus video. ``opening``/``closing``: the slate parts at the start and end (None: the item opens or ends
    without one); the truth is where they end and begin, in frames."""

    name: str
    style: str          # what the per-style figures group it under
    fps: str            # "25", "29.97" or "59.94"
    parts: tuple[Part, ...]
    opening: bool
    closing: bool
    tone: bool = False  # a 1 kHz tone under the whole item (bars with tone)

    @property
    def rate(self) -> Fraction:
        return Fraction(FPS[self.fps])

    def frames_of(self, part: Part) -> int:
        return round(Fraction(str(part.seconds)) * self.rate)

    @property
    def frames(self) -> int:
        return sum(self.frames_of(p) for p in self.parts)

    @property
    def programme_start(self) -> int | None:
        """The first frame after the opening slate (the In to propose); None without one."""
        return self.frames_of(self.parts[0]) if self.opening else None

    @property
    def programme_end(self) -> int | None:
        """The first frame of the closing slate (the Out to propose); None without one."""
        return self.frames - self.frames_of(self.parts[-1]) if self.closing else None

    @property
    def has_slate(self) -> bool:
        return self.opening or self.closing

    def recipe(self) -> dict[str, object]:
        return {"what": "slate corpus", "version": RECIPE_VERSION, "size": f"{WIDTH}x{HEIGHT}", "fps": self.fps,
                "tone": self.tone, "parts": [[p.kind, p.seconds, PARTS[p.kind]] for p in self.parts]}


def _slated(name: str, kind: str, fps: str, opening: float = 3.0, programme: float = 4.0, closing: float = 2.5,
            style: str | None = None, tone: bool = False) -> Item:
    return Item(name, style or kind, fps, (Part(kind, opening), Part("programme", programme), Part(kind, closing)),
                True, True, tone)


ITEMS: tuple[Item, ...] = (
    # Slates.
    _slated("black-25", "black", "25"),
    _slated("bars-tone-29.97", "bars", "29.97", tone=True),
    _slated("card-59.94", "card", "59.94"),
    _slated("countdown-25", "countdown", "25", opening=4.0),
    _slated("animated-29.97", "animated", "29.97"),
    _slated("ticker-59.94", "ticker", "59.94"),
    _slated("short-2s-59.94", "card", "59.94", opening=2.0, closing=2.0, style="2 s slate"),
    _slated("long-20s-29.97", "countdown", "29.97", opening=20.0, style="20 s slate"),
    # The storyboard's 50 tiles are 12 s apart here: the programme is longer than that, the closing slate another.
    Item("long-10min-25", "10 min slate", "25", (Part("card", 600.0), Part("programme", 15.0), Part("black", 2.0)),
         True, True),
    Item("opening-only-25", "card", "25", (Part("card", 3.0), Part("programme", 4.0)), True, False),
    # Openings that are not slates.
    Item("pattern-29.97", "moving test pattern", "29.97", (Part("pattern", 12.0),), False, False),
    Item("fade-up-25", "fade up from black", "25", (Part("fade", 8.0),), False, False),
    Item("dark-scene-59.94", "dark quiet scene", "59.94", (Part("dark", 6.0), Part("programme", 3.0)), False, False),
    Item("black-middle-25", "cut to black in the middle",
         "25", (Part("programme", 4.0), Part("black", 2.0), Part("programme", 4.0)), False, False),
    Item("presenter-29.97", "still presenter", "29.97", (Part("presenter", 7.0), Part("programme", 3.0)),
         False, False),
)
#: Broadcast live (tests/services/test_slate_corpus.py, the real-window live trim): a closing slate long enough to be
#: seen at the live edge while the recording still grows (the emulator's recording grows by whole 2 s segments).
LIVE_EVENT = Item("live-event-25", "live event", "25",
                  (Part("card", 4.0), Part("programme", 8.0), Part("countdown", 10.0)), True, True)
#: Broadcast live: a card held 3 s in the middle of the programme (a sponsor board) looks like a closing slate at
#: the live edge until the programme comes back.
INTERLUDE = Item("live-interlude-25", "live event with a card in the middle", "25",
                 (Part("card", 4.0), Part("programme", 4.0), Part("card", 3.0), Part("programme", 6.0),
                  Part("countdown", 6.0)), True, True)
#: Broadcast with the encoder dropping out in the middle of the programme (Mux's slate in recording_times): the
#: opening and closing edges are still the event's own.
DROPPED = Item("dropped-25", "encoder dropped and came back", "25",
               (Part("card", 3.0), Part("programme", 12.0), Part("card", 3.0)), True, True)
BY_NAME = {item.name: item for item in (*ITEMS, LIVE_EVENT, INTERLUDE, DROPPED)}


def _make(item: Item, path: Path) -> None:
    size = f"{WIDTH}x{HEIGHT}"
    chains = []
    for index, part in enumerate(item.parts):
        source = PARTS[part.kind].format(size=size, rate=FPS[item.fps], i=index)
        # Whole frames per part: the truth is where one part's frames end.
        chains.append(f"{source};[raw{index}]trim=end_frame={item.frames_of(part)},setpts=PTS-STARTPTS[p{index}]")
    joined = "".join(f"[p{i}]" for i in range(len(item.parts)))
    graph = ";".join([*chains, f"{joined}concat=n={len(item.parts)}:v=1:a=0,format=yuv420p[v]"])
    seconds = float(item.frames / item.rate)
    gop = max(round(float(item.rate) * 2), 1)  # a keyframe every 2 s: clean HLS segments
    tone = ["-f", "lavfi", "-i", f"sine=frequency=1000:sample_rate=48000:duration={seconds:.3f}"] if item.tone else []
    args = [*tone, "-filter_complex", graph, "-map", "[v]"]
    if item.tone:
        args += ["-map", "0:a", "-c:a", "aac", "-b:a", "64k"]
    # The encoder's usual settings (B-frames), as an encoder in the field sends them.
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(gop), "-keyint_min", str(gop),
             "-sc_threshold", "0", "-r", FPS[item.fps], "-movflags", "+faststart", "-f", "mp4", str(path)]
    ffmpeg.run(args, timeout=600)


def item_path(item: Item) -> Path:
    """The item's video, made on first use and shared from then on."""
    return cached(item.recipe(), lambda path: _make(item, path), suffix=".mp4")
