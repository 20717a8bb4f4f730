"""The media corpus: what producers upload, made with ffmpeg at test time and cached by recipe (media_cache).

Every frame carries its number twice: the machine-readable band of the emulator's stamp (one black or white square
per bit, top left, :mod:`muxclipper.emulator.media.stamp`) and seven-segment digits drawn with boxes (no font),
for a person looking at a screenshot. Pictures are tiny (the player's work does not depend on their size); only
the items whose size is what is tested (portrait 1080x1920, 2160p against the tier) are large, and short.

The audio-only item (an M4A: AAC, no picture) has no frames: its "frame rate" is its sample rate and its "frames"
its samples. Its sound is a quiet bed whose loudness swells and falls every 6 s (a waveform worth looking at), with
a loud 1 kHz burst of 50 ms at every whole second: where a clip's first burst is says where it was cut.

Each :class:`Item` names how it is uploaded (``tier``: ``max_resolution_tier``) and what Mux is expected to do:
stream it as it is (``passthrough``) or re-encode it.
"""

from __future__ import annotations

import array
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from muxclipper.emulator.media import ffmpeg, stamp
from tests.support import painted_frames
from tests.support.media_cache import cached, code_version

VERSION = 1
RATES = {"23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25), "29.97": Fraction(30000, 1001),
         "30": Fraction(30), "50": Fraction(50), "59.94": Fraction(60000, 1001), "60": Fraction(60)}
#: Seven segments a–g of a digit, and the digits each is lit in.
SEGMENTS = {"a": (0, 2, 3, 5, 6, 7, 8, 9), "b": (0, 1, 2, 3, 4, 7, 8, 9), "c": (0, 1, 3, 4, 5, 6, 7, 8, 9),
            "d": (0, 2, 3, 5, 6, 8, 9), "e": (0, 2, 6, 8), "f": (0, 4, 5, 6, 8, 9), "g": (2, 3, 4, 5, 6, 8, 9)}
X264_DEFAULTS = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]  # B-frames (3, pyramid), keyint 250, scenecut


@dataclass(frozen=True)
class Item:
    name: str
    fps: str
    seconds: float
    size: tuple[int, int] = (256, 144)
    video: tuple[str, ...] = tuple(X264_DEFAULTS)
    audio: str = "aac"  # "aac", "none"
    audio_shift: float = 0.0  # > 0: the sound starts this much after the picture; < 0: before it
    vfr: bool = False
    container: str = "mp4"
    tier: str | None = None
    passthrough: bool = True
    #: Frames the stream is expected to have (None: seconds × fps).
    frames: int | None = None
    tags: tuple[str, ...] = field(default=())
    #: Sound alone (``fps`` is then the sample rate, ``frames`` the samples).
    audio_only: bool = False
    #: The frames painted here and piped to ffmpeg (tests/support/painted_frames.py): the same pictures, for a long
    #: item whose ~60 filters would cost more than its encoding.
    painted: bool = False

    @property
    def rate(self) -> Fraction:
        return RATES.get(self.fps, Fraction(self.fps))

    @property
    def frame_count(self) -> int:
        return self.frames if self.frames is not None else round(Fraction(self.seconds) * self.rate)

    @property
    def digits(self) -> int:
        """How many digits the frame number is drawn with: the frame count's, at least three."""
        return max(len(str(self.frame_count)), 3)

    def recipe(self) -> dict[str, object]:
        """What makes the file (not how it is uploaded: two items uploaded differently share it)."""
        made = (self.fps, self.seconds, self.size, self.video, self.audio, self.audio_shift, self.vfr, self.container,
                self.frames, *(("audio only",) if self.audio_only else ()), *(("painted",) if self.painted else ()))
        return {"what": "frame corpus", "version": VERSION, "media": repr(made),
                "code": code_version(Path(stamp.__file__), Path(__file__), Path(painted_frames.__file__))}


Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class DigitLayout:
    """Where :func:`digits_filter` draws: a black box, and each place's seven segments (place 0 is the units)."""

    backing: Box
    segments: dict[int, dict[str, Box]]


def digit_layout(width: int, height: int, digits: int) -> DigitLayout:
    cell = max(6, min(height // 5, width // (digits + 2)) // 2 * 2)  # a digit's width; its height is 2×
    thick = max(1, cell // 5)
    top = height - 2 * cell - 4
    segments = {}
    for place in range(digits):
        x0 = 2 + (digits - 1 - place) * (cell + thick * 2)
        segments[place] = {"a": (x0, top, cell, thick), "b": (x0 + cell - thick, top, thick, cell),
                           "c": (x0 + cell - thick, top + cell, thick, cell), "d": (x0, top + 2 * cell - thick, cell, thick),
                           "e": (x0, top + cell, thick, cell), "f": (x0, top, thick, cell),
                           "g": (x0, top + cell - thick // 2, cell, thick)}
    return DigitLayout((0, top - 2, digits * (cell + thick * 2) + 4, 2 * cell + 6), segments)


def digits_filter(width: int, height: int, digits: int) -> str:
    """Seven-segment digits of the frame number ``n``, bottom left, in boxes (ffmpeg's drawbox, no font)."""
    layout = digit_layout(width, height, digits)
    x, y, w, h = layout.backing
    parts = [f"drawbox=x={x}:y={y}:w={w}:h={h}:color=black:t=fill"]
    for place, boxes in layout.segments.items():
        value = f"mod(floor(n/{10 ** place}),10)"
        for segment, (x, y, w, h) in boxes.items():
            lit = "+".join(f"eq({value},{d})" for d in SEGMENTS[segment])
            parts.append(f"drawbox=x={x}:y={y}:w={w}:h={h}:color=white:t=fill:enable='{lit}'")
    return ",".join(parts)


def picture_filters(width: int, height: int, digits: int) -> str:
    """What every video item's frames show: a box (meant to move, but drawbox works out x once: it stands where it is
    put), the stamp's band and the frame number's digits."""
    return ",".join(["drawbox=x='mod(t*60,iw)':y=ih/3:w=ih/5:h=ih/5:color=white:t=fill",
                     stamp.stamp_filter(height), digits_filter(width, height, digits)])


#: The audio-only item's sound (see the module's docstring): the bursts peak at 0.9, the bed at most 0.5.
AUDIO_ONLY_SOUND = ("if(lt(mod(t\\,1)\\,0.05)\\,0.9*sin(2*PI*1000*t)\\,"
                    "(0.1+0.4*abs(sin(PI*t/6)))*sin(2*PI*220*t))")
BURST_LEVEL = 0.7  # between the bed's loudest and the bursts'


def _make_audio(item: Item, path: Path) -> None:
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc={AUDIO_ONLY_SOUND}:s={item.rate}:c=mono:d={item.seconds:.6f}",
                "-c:a", "aac", "-b:a", "64k", "-f", "ipod", str(path)], timeout=600)


def _make(item: Item, path: Path) -> None:
    if item.audio_only:
        _make_audio(item, path)
        return
    width, height = item.size
    rate = item.rate
    seconds = f"{item.seconds:.6f}"
    digits = item.digits
    source = f"color=c=0x305070:size={width}x{height}:rate={rate}:duration={seconds}"
    args: list[str] = []
    if item.audio_shift > 0:
        args += ["-itsoffset", f"{item.audio_shift:.3f}"]
    if item.audio != "none":
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    if item.audio_shift < 0:
        args += ["-itsoffset", f"{-item.audio_shift:.3f}"]
    args += ["-f", "lavfi", "-i", source]
    video_input = 0 if item.audio == "none" else 1
    chain = [picture_filters(width, height, digits)]
    if item.painted and item.audio == "none" and not item.vfr and item.container == "mp4":
        layout = painted_frames.painted_layout(chain[0], width, height, rate, digits)
        if layout is not None:  # the same frames, painted here: ffmpeg only encodes
            painted_frames.encode(layout, item.frame_count, item.video, str(path), timeout=1800)
            return
    if item.vfr:  # a phone's clock: frames a little late, by up to 12 ms (under half a frame)
        chain += ["settb=1/90000", f"setpts=N/({rate})/TB+0.006*mod(N\\,3)/TB"]
    args += ["-map", f"{video_input}:v:0"]
    if item.audio != "none":
        args += ["-map", f"{1 - video_input}:a:0", "-c:a", "aac", "-b:a", "64k"]
    args += ["-vf", ",".join(chain), *item.video]
    if item.vfr:
        args += ["-enc_time_base", "1/90000", "-fps_mode", "passthrough", "-video_track_timescale", "90000"]
    ffmpeg.run([*args, "-f", "mov" if item.container == "mov" else "mp4", str(path)], timeout=1800)


def media(item: Item) -> Path:
    """The item's file (made once, then shared)."""
    return cached(item.recipe(), lambda path: _make(item, path), suffix=f".{item.container}")


def _x264(fps: str, boundaries: int = 3) -> Item:
    """x264's defaults (GOP 250): enough frames for ``boundaries`` segment boundaries and a little more."""
    frames = 250 * boundaries + 37
    return Item(f"x264-defaults-{fps}", fps, float(frames / RATES[fps]), frames=frames, tags=("b-frames",))


ITEMS: tuple[Item, ...] = (
    *(_x264(fps) for fps in RATES),
    Item("gop-2s-29.97", "29.97", 9.0, video=(*X264_DEFAULTS, "-g", "60", "-keyint_min", "60", "-sc_threshold", "0"),
         frames=270),
    Item("open-gop-25", "25", 9.0, video=(*X264_DEFAULTS, "-x264-params", "open-gop=1:keyint=75"),
         passthrough=False),
    Item("phone-vfr-30", "30", 6.0, vfr=True, passthrough=False),
    Item("audio-first-25", "25", 6.0, audio_shift=-0.4),
    Item("audio-later-25", "25", 6.0, audio_shift=0.4),
    Item("no-audio-30", "30", 6.0, audio="none"),
    # A podcast cut from a show's sound: mono, 48 kHz, AAC in an M4A (Mux makes an audio-only asset of it).
    Item("audio-only-m4a", "48000", 24.0, container="m4a", audio_only=True, tags=("audio only",)),
    Item("portrait-1080x1920-30", "30", 2.0, size=(1080, 1920)),
    Item("uhd-2160p-capped-25", "25", 2.0, size=(3840, 2160), video=(*X264_DEFAULTS, "-preset", "ultrafast", "-bf",
                                                                      "3"), passthrough=False),
    Item("uhd-2160p-uncapped-25", "25", 2.0, size=(3840, 2160), video=(*X264_DEFAULTS, "-preset", "ultrafast", "-bf",
                                                                        "3"), tier="2160p"),
    Item("hevc-25", "25", 5.0, video=("-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"),
         passthrough=False),
    Item("prores-25", "25", 3.0, video=("-c:v", "prores_ks", "-profile:v", "0"), container="mov", audio="none",
         passthrough=False),
    # Three hours: a frame just tall enough for the band and the digits, x264's fastest preset with its B-frames
    # kept and its GOP of 250 (~1,300 segments), its frames painted here: ~15 s of CPU to make (~35 s when the
    # filters drew them), once.
    Item("long-3h-29.97", "29.97", 3 * 3600.0, size=(160, 32), audio="none", frames=323_677,
         video=("-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-pix_fmt", "yuv420p"), tags=("long",),
         painted=True),
)

#: The items with pictures (the frame matrix and the frame-exact clips read their stamps).
VIDEO_ITEMS = tuple(item for item in ITEMS if not item.audio_only)
AUDIO_ITEMS = tuple(item for item in ITEMS if item.audio_only)


def pcm(path: Path | str) -> array.array[int]:
    """The first audio stream of ``path``, decoded to mono 16-bit samples at its own rate."""
    data = subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
                           "-map", "0:a:0", "-ac", "1", "-f", "s16le", "-c:a", "pcm_s16le", "-"],
                          capture_output=True, timeout=120, check=True, env=ffmpeg.child_env()).stdout
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    return samples


def first_burst(samples: array.array[int], rate: int = 48_000) -> int | None:
    """Where the first of the audio-only item's bursts starts in ``samples``, or None: the first sample louder than
    the bed can be that begins 10 ms of such samples (a 1 kHz sine at 0.9 passes 0.7 for about 40 % of them). An
    encoder's click where a cut starts mid-wave is louder than the bed too, but lasts a fraction of that."""
    level = BURST_LEVEL * 32767
    window = rate // 100
    for index, value in enumerate(samples):
        if abs(value) > level and sum(1 for v in samples[index:index + window] if abs(v) > level) > window // 4:
            return index
    return None
