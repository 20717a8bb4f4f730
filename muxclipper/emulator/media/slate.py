"""A live recording's own media when Mux inserted slate into it: the broadcast's source, with a "We'll be right
back" slate over the slate sessions (silence under it), each frame still stamped with its index.

The recording's frame *n* is the source's frame *n* (see emulator/recording_sessions.py), so the stamp is
drawn again over the slate with the same index and the recording stays frame-checkable end to end.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from muxclipper.emulator.media import ffmpeg, hls, lettering, stamp, webvtt
from muxclipper.emulator.media.facts import InputError, MediaFacts, facts_of
from muxclipper.emulator.media.store import Manifest, MediaStore

#: Unlike the generated preroll (navy, "STARTING SOON") and postroll: an outage looks different.
SLATE_COLOUR = "0x4a1c1c"
SLATE_TITLE = "WE\u2019LL BE RIGHT BACK"
SLATE_SUBTITLE = "The broadcast will resume shortly"
#: The pipeline's encoder settings; the B-frames are the broadcast's own (:func:`b_frame_args`).
X264_SLATE = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough"]


def b_frame_args(delay: int) -> list[str]:
    """x264's B-frame settings whose reordering delay is ``delay`` frames, as the broadcast's encoder had: a
    re-encoded segment then starts at the same timestamps as the source's segment it replaces (with 3 B-frames
    against a source without, its first frame started 2 frames late; without B-frames against a live encoder's 2,
    1.5 frames early: either way a player numbered its frames wrong)."""
    if delay <= 0:
        return ["-bf", "0"]
    if delay == 1:
        return ["-bf", "1", "-x264-params", "b-pyramid=none"]
    return ["-bf", "3"]  # x264's defaults (pyramid): a delay of 2, as most encoders' B-frames


def reorder_delay(path: Path, rate: Fraction) -> int:
    """How many frames the first video frame's presentation follows its decoding (0 without B-frames)."""
    result = subprocess.run([ffmpeg.ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
                             "-map", "0:v:0", "-c", "copy", "-frames:v", "1", "-f", "framecrc", "-"],
                            capture_output=True, text=True, timeout=60, env=ffmpeg.child_env())
    tick = re.search(r"#tb 0: (\d+)/(\d+)", result.stdout)
    row = next((line.split(",") for line in result.stdout.splitlines() if line.startswith("0,")), None)
    if tick is None or row is None:
        return 0
    ticks = int(row[2]) - int(row[1])  # pts - dts
    return round(Fraction(ticks * int(tick.group(1)), int(tick.group(2))) * rate)


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


def draw(layers: lettering.Layers, frames: list[tuple[int, int]], width: int, height: int) -> None:
    """The slate (a card drawn by Pillow) over ``frames``, and the frame index stamped again over everything."""
    on = "+".join(f"between(n,{first},{stop - 1})" for first, stop in frames) or "0"
    big = max(height // 9, 12)
    small = max(height // 18, 9)
    layers.picture(lettering.card((width, height), lettering.colour(SLATE_COLOUR), [
        (SLATE_TITLE, big, height // 2 - big, lettering.WHITE),
        (SLATE_SUBTITLE, small, height // 2 + small, lettering.colour("0xdddddd"))]), 0, 0, on)
    layers.filter(stamp.stamp_filter(height))


def make_recording(store: MediaStore, job: SlateJob, on_progress: Callable[[str, float], None]) -> MediaFacts:
    """The recording's media: the source's own HLS segments wherever there is no slate (segments a player may
    already hold never change, as on Mux), and re-encoded ones, with the source's timestamps, where there is; a
    master with the slate for clips and pictures."""
    source = store.manifest(job.source_media)
    if source is None:
        raise InputError("The broadcast's source media is missing.")
    rate = source.rate
    frames = min(job.frames, source.frames)
    if frames <= 0:
        raise InputError("The recording holds no frames.")
    source_dir = store.asset_dir(job.source_media)
    work = store.partial_dir(job.asset_id)
    master = work / "source.mp4"
    seconds = frames / rate
    gop = max(round(float(rate) * 2), 1)
    slate_frames = frame_spans(job.spans, rate)
    # The source's timestamps are kept (its B-frames' delay, frames passed through, the sound copied: the programme's
    # sound goes on under the slate), so the re-encoded segments fit between the source's own.
    layers = lettering.Layers(work / "layers", rate, float(seconds), first_input=1)
    layers.directory.mkdir(exist_ok=True)
    draw(layers, slate_frames, source.width, source.height)
    pictures, graph = layers.args()
    args = ["-i", str(source_dir / "source.mp4"), *pictures, "-filter_complex", graph, "-map", "[v]"]
    if source.has_audio:
        args += ["-map", "0:a:0", "-c:a", "copy"]
    on_progress(job.asset_id, 0.0)
    b_frames = b_frame_args(reorder_delay(source_dir / "source.mp4", rate))
    ffmpeg.run([*args, "-frames:v", str(frames), "-t", f"{float(seconds):.6f}", *X264_SLATE, *b_frames, "-g", str(gop),
                "-keyint_min", str(gop), "-sc_threshold", "0", "-movflags", "+faststart", str(master)],
               progress=lambda t: on_progress(job.asset_id, min(99.0, 100 * t / float(seconds))))
    shutil.rmtree(layers.directory)
    segments, mpegts_start = hls.package(master, work / "hls")
    # Where the source's segments are cut as ours are (keyframes every 2 s: always for generated media), its own.
    same_cuts = [round(d, 3) for d in segments[:-1]] == [round(d, 3) for d in source.segments[:len(segments) - 1]]
    for index, (seg_start, seg_end) in enumerate(source.segment_bounds()[:len(segments)] if same_cuts else []):
        first, stop = round(seg_start * rate), round(seg_end * rate)
        whole = index < len(segments) - 1 or stop <= frames
        if whole and not any(a < stop and first < b for a, b in slate_frames):
            shutil.copyfile(source_dir / "hls" / f"seg_{index:05d}.ts", work / "hls" / f"seg_{index:05d}.ts")
    tracks = []
    for track in source.text_tracks:
        cues = webvtt.clip(webvtt.parse((source_dir / track.file).read_text(encoding="utf-8")), 0.0, float(seconds))
        # Nobody speaks over the slate: captions that would start under it never came through.
        cues = [c for c in cues if not any(a <= c.start < b for a, b in job.spans)]
        (work / "text").mkdir(exist_ok=True)
        (work / track.file).write_text(webvtt.render(cues), encoding="utf-8")
        tracks.append(track)
    manifest = Manifest(frame_rate=str(rate), frames=frames, width=source.width, height=source.height,
                        has_audio=source.has_audio, segments=segments, mpegts_start=mpegts_start, text_tracks=tracks)
    store.publish(job.asset_id, work, manifest)
    return facts_of(manifest)
