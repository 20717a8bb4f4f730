"""Synthetic sources with a readable timecode, a frame number and a machine-readable frame index.

``emulator://generated/{preset}`` or ``emulator://generated?duration=10&fps=25&…`` inputs name one;
it is made once and cached under the media root. A "live event" has a preroll slate ("Starting
soon", silence), the programme (colour bars, a moving box, a tone) and a postroll slate.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from muxclipper.emulator.media import ffmpeg, lettering, stamp, webvtt


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
    #: False: sound alone (an audio-only source, as a podcast's M4A), its loudness moving like speech.
    picture: bool = True

    @property
    def key(self) -> str:
        # A field added later is left out at its default: media generated before it keeps its name and cache.
        key = "gen-" + "-".join(f"{getattr(self, f.name)}" for f in fields(self)
                                if f.name not in LATER_FIELDS or getattr(self, f.name) != f.default
                                ).replace("/", "_").replace(" ", "_").replace(".", "p")
        # A label may hold what a Windows file name cannot.
        return re.sub(r'[<>:"\\|?*%\x00-\x1f]', "_", key)


LATER_FIELDS = {"slate", "blank", "encoder", "picture"}
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
    # What the demo's "live now" re-run broadcasts: the keynote's slates around a shorter programme, its closing
    # slate held 40 s so that it is on at the live edge, proposed and taken, while the recording still grows.
    "rerun": GeneratedSpec(duration=100.0, preroll=20.0, postroll=40.0, captions=True, label="KEYNOTE",
                           encoder="live"),
    # Sound alone: what a producer cuts a podcast from (Mux makes an audio-only asset of it).
    "podcast": GeneratedSpec(duration=30.0, label="PODCAST", picture=False),
}
#: The podcast's voice, as a waveform shows speech: phrases of a few syllables, a breath between them.
SPEECH = ("(0.15+0.55*abs(sin(2*PI*t*2.3)))*gt(sin(2*PI*t/4.1)\\,-0.55)*"
          "(sin(2*PI*150*t)+0.4*sin(2*PI*450*t))/1.4")


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


def draw(spec: GeneratedSpec, layers: lettering.Layers) -> None:
    """The pictures over the colour bars: a moving box, the slates, the label, the timecode and frame number, and the
    machine-readable frame index (:mod:`stamp`)."""
    size = (spec.width, spec.height)
    big = max(spec.height // 9, 12)
    small = max(spec.height // 14, 10)
    post_start = spec.duration - spec.postroll
    slate = f"lt(t,{spec.preroll})+gte(t,{post_start})" if spec.postroll else f"lt(t,{spec.preroll})"
    layers.filter(f"drawbox=x='mod(t*{spec.width // 5},iw)':y=ih/3:w=ih/6:h=ih/6:color=white:t=fill")
    if (spec.preroll or spec.postroll) and spec.slate != "card":
        _other_slate(spec, slate, layers, big)
    navy = lettering.colour("0x1c2444")
    if spec.preroll and spec.slate == "card":
        layers.picture(lettering.card(size, navy, [("STARTING SOON", big, spec.height // 2 - big, lettering.WHITE)]),
                       0, 0, f"lt(t,{spec.preroll})")
    if spec.postroll and spec.slate == "card":
        layers.picture(lettering.card(size, navy, [("THANKS FOR WATCHING", big, spec.height // 2 - big,
                                                    lettering.WHITE)]), 0, 0, f"gte(t,{post_start})")
    if spec.blank:
        layers.filter(f"drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:"
                      f"enable='lt(t,{spec.blank})+gte(t,{spec.duration - spec.blank})'")
    label = lettering.text_image(spec.label, small, box=True)
    layers.picture(label, spec.width - label.width - 8, 8, f"not({slate})")
    digits = len(str(lettering.frame_count(spec.duration, Fraction(spec.fps)) - 1))
    width, height = lettering.counter_size(small, box=True, frame_number=digits)
    layers.counter(size=small, x=(spec.width - width) // 2, y=spec.height - height - small, box=True,
                   frame_number=digits)
    layers.filter(stamp.stamp_filter(spec.height))


def _other_slate(spec: GeneratedSpec, slate: str, layers: lettering.Layers, big: int) -> None:
    """The slates other than the demo's card, drawn while ``slate`` (an ffmpeg expression) is true."""
    on = f"enable='{slate}'"
    if spec.slate == "black":
        layers.filter(f"drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:{on}")
        return
    if spec.slate == "solid":
        layers.filter(f"drawbox=x=0:y=0:w=iw:h=ih:color=0x8a1538:t=fill:{on}")
        return
    # A still picture (a background, two panels and a title) with something that moves on it.
    layers.filter(",".join([f"drawbox=x=0:y=0:w=iw:h=ih:color=0x20603a:t=fill:{on}",
                            f"drawbox=x=iw/10:y=ih/5:w=iw/3:h=ih/2:color=0xe0b030:t=fill:{on}",
                            f"drawbox=x=iw*0.55:y=ih/5:w=iw/3:h=ih/4:color=0x3060c0:t=fill:{on}"]))
    title = lettering.text_image("LIVE AT 8", big)
    layers.picture(title, (spec.width - title.width) // 2, int(spec.height * 0.72), slate)
    small = max(big // 2, 8)
    if spec.slate == "ticker":  # a line of text crossing the picture, once every 4 s
        layers.picture(lettering.text_image("Coming up next - stay tuned", small),
                       "'W-mod(t*(W+w)/4,W+w)'", int(spec.height * 0.1), slate)
    else:  # a running clock, as the slate of a live event shows
        layers.counter(size=small, x=int(spec.width * 0.6), y=int(spec.height * 0.55), box=False, enable=slate)


def _x264_threads() -> list[str]:
    """One x264 thread when ffmpeg runs its filters in a thread of their own (7 and later): the pictures are small and
    the filters drawing them are the slow part, so x264's frame threads only fought them for the cores. Measured on 2
    cores with ffmpeg 9 (a minute of the talk, of the keynote): ~18 % less CPU and ~30 % less time than x264's own
    choice. An older ffmpeg (Debian 12's 5.1, which the .deb uses) filters and encodes in one thread, and x264's frame
    threads are then what overlaps the two: it keeps x264's choice. The stream is the same kind (B-frames, GOP)."""
    version = ffmpeg.major_version()
    return ["-threads", "1"] if version is not None and version >= 7 else []


def encoder_args(encoder: str, gop: int) -> list[str]:
    """x264 settings for :attr:`GeneratedSpec.encoder` (``gop``: 2 s of frames)."""
    if encoder == "upload":  # x264's defaults but the preset and threads (veryfast keeps 3 B-frames and keyint 250)
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-bf", "3",
                *_x264_threads()]
    if encoder == "live":  # closed 2 s GOPs, as streaming encoders are set up, with B-frames
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-bf", "2",
                "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", *_x264_threads()]
    return ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p",
            "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", *_x264_threads()]


def generate(spec: GeneratedSpec, directory: Path) -> tuple[Path, Path | None]:
    """Make (or find, if made before) the source file and its captions; answer their paths."""
    video = directory / f"{spec.key}.mp4"
    captions = directory / f"{spec.key}.vtt" if spec.captions else None
    if video.exists() and (captions is None or captions.exists()):
        return video, captions
    directory.mkdir(parents=True, exist_ok=True)
    # Unique per run: an ffmpeg left over from a killed emulator may still be writing its own.
    tmp = video.with_name(f"{video.stem}.{uuid.uuid4().hex}.tmp.mp4")
    if not spec.picture:  # sound alone, AAC in an MP4 (an M4A): no layers, no picture
        ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc={SPEECH}:s=48000:c=mono:d={spec.duration}", "-c:a", "aac",
                    "-b:a", "96k", "-movflags", "+faststart", "-f", "mp4", str(tmp)], timeout=600)
        if captions is not None:
            captions.write_text(webvtt.render(caption_cues(spec)))
        os.replace(tmp, video)
        return video, captions
    args = ["-f", "lavfi", "-i",
            f"smptehdbars=size={spec.width}x{spec.height}:rate={spec.fps}:duration={spec.duration}"]
    if spec.audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={spec.duration}"]
    layers_dir = video.with_name(f"{video.stem}.{uuid.uuid4().hex}.layers")
    layers_dir.mkdir()
    try:
        layers = lettering.Layers(layers_dir, Fraction(spec.fps), spec.duration, first_input=2 if spec.audio else 1)
        draw(spec, layers)
        pictures, graph = layers.args()
        args += [*pictures, "-filter_complex", graph, "-map", "[v]"]
        _encode(spec, args, tmp)
    finally:
        shutil.rmtree(layers_dir, ignore_errors=True)
    if captions is not None:
        captions.write_text(webvtt.render(caption_cues(spec)))
    os.replace(tmp, video)
    return video, captions


def _encode(spec: GeneratedSpec, args: list[str], tmp: Path) -> None:
    gop = max(round(float(Fraction(spec.fps)) * 2), 1)  # a keyframe every 2 s: clean HLS segments
    if spec.audio:
        args += ["-map", "1:a"]
        silent = " + ".join(filter(None, [f"lt(t,{spec.preroll})" if spec.preroll else "",
                                         f"gte(t,{spec.duration - spec.postroll})" if spec.postroll else ""]))
        args += ["-af", f"volume=enable='{silent}':volume=0" if silent else "anull", "-c:a", "aac", "-b:a", "96k"]
    args += [*encoder_args(spec.encoder, gop), "-movflags", "+faststart", "-f", "mp4", str(tmp)]
    ffmpeg.run(args, timeout=1800)
