"""Synthetic sources with a readable timecode, a frame number and a machine-readable frame index.

``emulator://generated/{preset}`` or ``emulator://generated?duration=10&fps=25&…`` inputs name one;
it is made once and cached under the media root. A "live event" has a preroll slate ("Starting
soon", silence), the programme (colour bars, a moving box, a tone) and a postroll slate.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from muxclipper.emulator.media import ffmpeg, stamp, webvtt

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/Library/Fonts/Courier New.ttf",
    "C:/Windows/Fonts/consola.ttf",
)


@dataclass(frozen=True)
class GeneratedSpec:
    duration: float = 10.0
    fps: str = "30"
    width: int = 640
    height: int = 360
    preroll: float = 0.0
    postroll: float = 0.0
    captions: bool = False
    audio: bool = True
    label: str = "PROGRAMME"
    #: What the preroll and postroll slates look like (:data:`SLATE_KINDS`); "card" is the demo's.
    slate: str = "card"
    #: Seconds of black at the very start and end (an encoder warming up and stopping), over the slates.
    blank: float = 0.0
    #: How it is encoded (:data:`ENCODERS`): "test" is quick, with no B-frames and a keyframe every 2 s; "upload" as
    #: an editing suite exports (B-frames, x264's GOP of 250 frames); "live" as a live encoder sends (B-frames, a
    #: keyframe every 2 s).
    encoder: str = "test"

    @property
    def key(self) -> str:
        # A field added later is left out at its default: media generated before it keeps its name and cache.
        return "gen-" + "-".join(f"{getattr(self, f.name)}" for f in fields(self)
                                 if f.name not in LATER_FIELDS or getattr(self, f.name) != f.default
                                 ).replace("/", "_").replace(" ", "_").replace(".", "p")


LATER_FIELDS = {"slate", "blank", "encoder"}
#: card: navy with "STARTING SOON" / "THANKS FOR WATCHING"; solid: one colour; black; ticker: a still picture with
#: a line of text crossing it; clock: a still picture with a running clock (as live slates have).
SLATE_KINDS = ("card", "solid", "black", "ticker", "clock")


ENCODERS = ("test", "upload", "live")

#: The demo's sources are encoded as producers' own are, so that the demo walks the hard path (B-frames, long GOPs).
PRESETS = {
    "live-event": GeneratedSpec(duration=200.0, preroll=20.0, postroll=15.0, captions=True,
                                label="KEYNOTE", encoder="live"),
    "talk": GeneratedSpec(duration=600.0, captions=True, label="TALK", encoder="upload"),
    "promo": GeneratedSpec(duration=30.0, fps="25", label="PROMO", encoder="upload"),
}


class UnknownGeneratedSource(ValueError):
    pass


def spec_from_url(url: str) -> GeneratedSpec:
    parts = urlsplit(url)
    if parts.netloc != "generated":
        raise UnknownGeneratedSource(f"{url!r}: use emulator://generated/{{preset}} or emulator://generated?…")
    name = parts.path.strip("/")
    if name:
        if name not in PRESETS:
            raise UnknownGeneratedSource(f"{url!r}: presets are {', '.join(PRESETS)}")
        base = PRESETS[name]
    else:
        base = GeneratedSpec()
    changes: dict[str, object] = {}
    types = {f.name: f.type for f in fields(GeneratedSpec)}
    for key, value in parse_qsl(parts.query):
        if key not in types:
            raise UnknownGeneratedSource(f"{url!r}: unknown parameter {key!r}")
        kind = types[key]
        if kind in ("float", float):
            changes[key] = float(value)
        elif kind in ("int", int):
            changes[key] = int(value)
        elif kind in ("bool", bool):
            changes[key] = value.lower() in ("1", "true", "yes")
        else:
            changes[key] = value
    spec = replace(base, **changes)  # type: ignore[arg-type]
    if spec.encoder not in ENCODERS:
        raise UnknownGeneratedSource(f"{url!r}: encoder is one of {', '.join(ENCODERS)}")
    if spec.slate not in SLATE_KINDS:
        raise UnknownGeneratedSource(f"{url!r}: slate is one of {', '.join(SLATE_KINDS)}")
    if not 0.5 <= spec.duration <= 4 * 3600 or Fraction(spec.fps) <= 0 or spec.width < 64 or spec.height < 64:
        raise UnknownGeneratedSource(f"{url!r}: duration 0.5 s to 4 h, positive fps, at least 64x64")
    return spec


def _font() -> str:
    for candidate in FONT_CANDIDATES:
        if os.path.exists(candidate):
            return f"fontfile='{candidate}'"
    return "font='monospace'"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def caption_cues(spec: GeneratedSpec) -> list[webvtt.Cue]:
    """A caption every 4 s, on for 3 s, saying where it is: easy to check after a trim."""
    cues = []
    t = 0.0
    index = 1
    while t + 0.5 < spec.duration:
        section = ("PREROLL" if t < spec.preroll else
                   "POSTROLL" if t >= spec.duration - spec.postroll else spec.label)
        cues.append(webvtt.Cue(t, min(t + 3.0, spec.duration), f"Caption {index} · {section} · {webvtt.timestamp(t)}"))
        t += 4.0
        index += 1
    return cues


def video_filter(spec: GeneratedSpec) -> str:
    font = _font()
    big = max(spec.height // 9, 12)
    small = max(spec.height // 14, 10)
    post_start = spec.duration - spec.postroll
    slate = f"lt(t,{spec.preroll})+gte(t,{post_start})" if spec.postroll else f"lt(t,{spec.preroll})"
    parts = [f"drawbox=x='mod(t*{spec.width // 5},iw)':y=ih/3:w=ih/6:h=ih/6:color=white:t=fill"]
    if (spec.preroll or spec.postroll) and spec.slate != "card":
        parts += _other_slate(spec, slate, font, big)
    elif spec.preroll or spec.postroll:
        parts.append(f"drawbox=x=0:y=0:w=iw:h=ih:color=0x1c2444:t=fill:enable='{slate}'")
    if spec.preroll and spec.slate == "card":
        parts.append(f"drawtext={font}:text='STARTING SOON':fontsize={big}:fontcolor=white:"
                     f"x=(w-tw)/2:y=h/2-{big}:enable='lt(t,{spec.preroll})'")
    if spec.postroll and spec.slate == "card":
        parts.append(f"drawtext={font}:text='THANKS FOR WATCHING':fontsize={big}:fontcolor=white:"
                     f"x=(w-tw)/2:y=h/2-{big}:enable='gte(t,{post_start})'")
    if spec.blank:
        parts.append(f"drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:"
                     f"enable='lt(t,{spec.blank})+gte(t,{spec.duration - spec.blank})'")
    parts.append(f"drawtext={font}:text='{_escape(spec.label)}':fontsize={small}:fontcolor=white:"
                 f"box=1:boxcolor=black@0.6:x=w-tw-8:y=8:enable='not({slate})'")
    parts.append(f"drawtext={font}:text='%{{pts\\:hms}}  #%{{frame_num}}':fontsize={small}:fontcolor=white:"
                 f"box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-{small}")
    parts.append(stamp.stamp_filter(spec.height))
    return ",".join(parts)


def _other_slate(spec: GeneratedSpec, slate: str, font: str, big: int) -> list[str]:
    """The slates other than the demo's card, drawn while ``slate`` (an ffmpeg expression) is true."""
    on = f"enable='{slate}'"
    if spec.slate == "black":
        return [f"drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:{on}"]
    if spec.slate == "solid":
        return [f"drawbox=x=0:y=0:w=iw:h=ih:color=0x8a1538:t=fill:{on}"]
    # A still picture (a background, two panels and a title) with something that moves on it.
    parts = [f"drawbox=x=0:y=0:w=iw:h=ih:color=0x20603a:t=fill:{on}",
             f"drawbox=x=iw/10:y=ih/5:w=iw/3:h=ih/2:color=0xe0b030:t=fill:{on}",
             f"drawbox=x=iw*0.55:y=ih/5:w=iw/3:h=ih/4:color=0x3060c0:t=fill:{on}",
             f"drawtext={font}:text='LIVE AT 8':fontsize={big}:fontcolor=white:x=(w-tw)/2:y=h*0.72:{on}"]
    if spec.slate == "ticker":  # a line of text crossing the picture, once every 4 s
        parts.append(f"drawtext={font}:text='Coming up next - stay tuned':fontsize={max(big // 2, 8)}:"
                     f"fontcolor=white:x='w-mod(t*(w+tw)/4,w+tw)':y=h*0.1:{on}")
    else:  # a running clock, as the slate of a live event shows
        parts.append(f"drawtext={font}:text='%{{pts\\:hms}}':fontsize={max(big // 2, 8)}:fontcolor=white:"
                     f"x=w*0.6:y=h*0.55:{on}")
    return parts


def encoder_args(encoder: str, gop: int) -> list[str]:
    """x264 settings for :attr:`GeneratedSpec.encoder` (``gop``: 2 s of frames)."""
    if encoder == "upload":  # x264's defaults but the preset (veryfast keeps 3 B-frames and keyint 250)
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-bf", "3"]
    if encoder == "live":  # closed 2 s GOPs, as streaming encoders are set up, with B-frames
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-bf", "2",
                "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
    return ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p",
            "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]


def generate(spec: GeneratedSpec, directory: Path) -> tuple[Path, Path | None]:
    """Make (or find, if made before) the source file and its captions; answer their paths."""
    video = directory / f"{spec.key}.mp4"
    captions = directory / f"{spec.key}.vtt" if spec.captions else None
    if video.exists() and (captions is None or captions.exists()):
        return video, captions
    directory.mkdir(parents=True, exist_ok=True)
    gop = max(round(float(Fraction(spec.fps)) * 2), 1)  # a keyframe every 2 s: clean HLS segments
    # Unique per run: an ffmpeg left over from a killed emulator may still be writing its own.
    tmp = video.with_name(f"{video.stem}.{uuid.uuid4().hex}.tmp.mp4")
    args = ["-f", "lavfi", "-i",
            f"smptehdbars=size={spec.width}x{spec.height}:rate={spec.fps}:duration={spec.duration}"]
    if spec.audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={spec.duration}"]
    args += ["-vf", video_filter(spec)]
    if spec.audio:
        silent = " + ".join(filter(None, [f"lt(t,{spec.preroll})" if spec.preroll else "",
                                         f"gte(t,{spec.duration - spec.postroll})" if spec.postroll else ""]))
        args += ["-af", f"volume=enable='{silent}':volume=0" if silent else "anull", "-c:a", "aac", "-b:a", "96k"]
    args += [*encoder_args(spec.encoder, gop), "-movflags", "+faststart", "-f", "mp4", str(tmp)]
    ffmpeg.run(args, timeout=1800)
    if captions is not None:
        captions.write_text(webvtt.render(caption_cues(spec)))
    os.replace(tmp, video)
    return video, captions
