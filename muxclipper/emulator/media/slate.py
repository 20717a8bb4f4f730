"""A live recording's own media when Mux inserted slate into it: the broadcast's source, with a "We'll be right
back" slate over the slate sessions (silence under it), each frame still stamped with its index.

The recording's frame *n* is the source's frame *n* (see emulator/recording_sessions.py), so the stamp is
drawn again over the slate with the same index and the recording stays frame-checkable end to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from muxclipper.emulator.media import ffmpeg, stamp, webvtt
from muxclipper.emulator.media.generate import _font

if TYPE_CHECKING:
    from muxclipper.emulator.media.pipeline import MediaFacts, MediaProcessor

#: Unlike the generated preroll (navy, "STARTING SOON") and postroll: an outage looks different.
SLATE_COLOUR = "0x4a1c1c"
SLATE_TITLE = "WE\u2019LL BE RIGHT BACK"  # a typographic apostrophe: ffmpeg's quoting has no plain one
SLATE_SUBTITLE = "The broadcast will resume shortly"


@dataclass(frozen=True)
class SlateJob:
    asset_id: str
    source_media: str  # the media directory of the broadcast's source
    frames: int  # how many frames the recording holds
    spans: tuple[tuple[float, float], ...]  # slate intervals, seconds into the recording


def frame_spans(spans: tuple[tuple[float, float], ...], rate: Fraction) -> list[tuple[int, int]]:
    """Frame indexes ``[first, stop)`` under slate: frames whose start lies inside a span."""
    result = []
    for start, end in spans:
        first = int(-(-Fraction(start) * rate // 1))  # ceil
        stop = int(-(-Fraction(end) * rate // 1))
        if stop > first:
            result.append((first, stop))
    return result


def video_filter(frames: list[tuple[int, int]], height: int) -> str:
    on = "+".join(f"between(n,{first},{stop - 1})" for first, stop in frames) or "0"
    font = _font()
    big = max(height // 9, 12)
    small = max(height // 18, 9)
    return ",".join([
        "setpts=PTS-STARTPTS",
        f"drawbox=x=0:y=0:w=iw:h=ih:color={SLATE_COLOUR}:t=fill:enable='{on}'",
        f"drawtext={font}:text='{SLATE_TITLE}':fontsize={big}:fontcolor=white:x=(w-tw)/2:y=h/2-{big}"
        f":enable='{on}'",
        f"drawtext={font}:text='{SLATE_SUBTITLE}':fontsize={small}:fontcolor=0xdddddd:x=(w-tw)/2:y=h/2+{small}"
        f":enable='{on}'",
        stamp.stamp_filter(height),
    ])


def make_recording(processor: MediaProcessor, job: SlateJob) -> MediaFacts:
    from muxclipper.emulator.media.pipeline import AAC, X264, InputError

    store = processor.store
    source = store.manifest(job.source_media)
    if source is None:
        raise InputError("The broadcast's source media is missing.")
    rate = source.rate
    frames = min(job.frames, source.frames)
    if frames <= 0:
        raise InputError("The recording holds no frames.")
    work = store.partial_dir(job.asset_id)
    master = work / "source.mp4"
    seconds = frames / rate
    gop = max(round(float(rate) * 2), 1)
    args = ["-i", str(store.asset_dir(job.source_media) / "source.mp4"),
            "-vf", video_filter(frame_spans(job.spans, rate), source.height), "-map", "0:v:0"]
    if source.has_audio:
        silent = "+".join(f"between(t,{a:.6f},{b:.6f})" for a, b in job.spans) or "0"
        args += ["-map", "0:a:0", "-af",
                 f"asetpts=PTS-STARTPTS,atrim=end={float(seconds):.6f},volume=enable='{silent}':volume=0", *AAC]
    processor.on_progress(job.asset_id, 0.0)
    ffmpeg.run([*args, "-frames:v", str(frames), *X264, "-r", str(rate), "-g", str(gop), "-keyint_min", str(gop),
                "-sc_threshold", "0", "-movflags", "+faststart", str(master)],
               progress=lambda t: processor.on_progress(job.asset_id, min(99.0, 100 * t / float(seconds))))
    source_dir = store.asset_dir(job.source_media)
    tracks = []
    for track in source.text_tracks:
        cues = webvtt.clip(webvtt.parse((source_dir / track.file).read_text(encoding="utf-8")), 0.0, float(seconds))
        # Nobody speaks over the slate: captions that would start under it never came through.
        cues = [c for c in cues if not any(a <= c.start < b for a, b in job.spans)]
        (work / "text").mkdir(exist_ok=True)
        (work / track.file).write_text(webvtt.render(cues), encoding="utf-8")
        tracks.append(track)
    return processor._finish(job.asset_id, work, master, rate, frames, source.has_audio, tracks, False)
