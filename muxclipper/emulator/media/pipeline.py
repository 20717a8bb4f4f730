"""The emulator's transcoder: ingest inputs, cut frame-exact clips, package HLS — in a bounded pool.

Two ffmpeg jobs at most run at once (these machines have two cores); the rest queue. Each job works
in a ``.partial`` directory and publishes it whole, then reports to the state through callbacks.

An input with sound and no picture (an M4A) makes an audio-only asset, as Mux does: its "frames" are the sound's
samples (the manifest's rate is the sample rate), so its clips are cut on the sample nearest each time asked, and
re-encoded to AAC (whose frames are 1024 samples: a player may show up to one of them more at the start).

Clip rounding rule: ``start_time`` and ``end_time`` are rounded to the nearest frame boundary (half
a frame rounds up), so the clip holds source frames ``round(start·fps)`` up to but not including
``round(end·fps)``, and lasts exactly that many frame durations.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlsplit

from muxclipper.emulator.media import ffmpeg, generate, hls, overlay, slate, standard_input, webvtt
from muxclipper.emulator.media.facts import InputError, MediaFacts, facts_of
from muxclipper.emulator.media.picture_size import scale_filter, short_side
from muxclipper.emulator.media.store import Manifest, MediaStore, TextTrackFile

log = logging.getLogger(__name__)

X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
#: Mux's own encodes are guessed to look like an ordinary encoder's: B-frames (3, as x264's defaults) and a closed
#: GOP of about 4 s, longer than the 2 s segments asked of the packager (which cuts at keyframes only).
GOP_SECONDS = 4


def encoder_args(rate: Fraction) -> list[str]:
    """How the emulator encodes (re-encoded inputs, clips, watermarks): see :data:`GOP_SECONDS`."""
    gop = max(round(float(rate) * GOP_SECONDS), 1)
    return [*X264, "-bf", "3", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
AAC = ["-c:a", "aac", "-b:a", "128k"]


@dataclass(frozen=True)
class TextInputJob:
    id: str
    url: str
    language_code: str
    name: str
    closed_captions: bool


@dataclass(frozen=True)
class IngestJob:
    asset_id: str
    url: str
    texts: tuple[TextInputJob, ...] = ()
    audio_rendition: bool = False
    overlays: tuple[overlay.OverlayJob, ...] = ()
    #: The shorter side of the ``max_resolution_tier`` (Mux's default, 1080p, when none was asked for).
    max_side: int = 1080
    sizes: tuple[int, ...] = ()  # fixed-size MP4 renditions asked for (static_renditions 720p, …): shorter sides


@dataclass(frozen=True)
class ClipJob:
    asset_id: str
    source_media: str  # the media directory name of the source
    start: float
    end: float
    texts: tuple[TextInputJob, ...] = ()
    audio_rendition: bool = False
    overlays: tuple[overlay.OverlayJob, ...] = ()
    max_side: int = 1080
    sizes: tuple[int, ...] = ()


#: Beside ``source.mp4`` when an asset has watermarks: the same video without them, which its clips are cut from
#: (a clip with ``copy_overlays`` false has none; with true, they are burnt in again, once).
CLEAN_MASTER = "clean.mp4"


def frame_range(start: float, end: float, rate: Fraction, frames: int) -> tuple[int, int]:
    """Source frame indexes ``[first, stop)`` for a clip; see the module docstring."""
    first = min(max(math.floor(start * rate + Fraction(1, 2)), 0), frames)
    stop = min(max(math.floor(end * rate + Fraction(1, 2)), first), frames)
    return first, stop


class MediaProcessor:
    """Callbacks: ``on_progress(asset_id, percent)``, ``on_done(asset_id, facts)``,
    ``on_failed(asset_id, messages)``; they run on a worker thread."""

    def __init__(self, store: MediaStore, workers: int = 2) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mux-media")
        self._closed = threading.Event()
        self.on_progress: Callable[[str, float], None] = lambda asset_id, pct: None
        self.on_done: Callable[[str, MediaFacts], None] = lambda asset_id, facts: None
        self.on_failed: Callable[[str, list[str]], None] = lambda asset_id, messages: None

    def submit(self, job: IngestJob | ClipJob | slate.SlateJob) -> None:
        if not self._closed.is_set():
            self._pool.submit(self._run, job)

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: IngestJob | ClipJob | slate.SlateJob) -> None:
        if self._closed.is_set():
            return
        try:
            if isinstance(job, slate.SlateJob):  # a live recording with slate sessions
                facts = slate.make_recording(self.store, job, self.on_progress)
            else:
                facts = self._ingest(job) if isinstance(job, IngestJob) else self._clip(job)
        except InputError as exc:
            self.on_failed(job.asset_id, exc.messages)
        except ffmpeg.FfmpegError as exc:
            self.on_failed(job.asset_id, [f"The input could not be processed: {exc.detail}"])
        except Exception:  # noqa: BLE001 - a bug must still end the asset, not leave it preparing
            log.exception("media job for %s failed", job.asset_id)
            self.on_failed(job.asset_id, ["The emulator failed to process this asset."])
        else:
            self.on_done(job.asset_id, facts)

    # ------------------------------------------------------------------ ingest
    def _resolve(self, url: str) -> tuple[str, Path | None]:
        """ffmpeg's input for ``url`` and, for generated sources, their captions."""
        parts = urlsplit(url)
        if parts.scheme == "emulator":
            try:
                spec = generate.spec_from_url(url)
            except generate.UnknownGeneratedSource as exc:
                raise InputError(str(exc)) from exc
            video, captions = generate.generate(spec, self.store.generated)
            return str(video), captions
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            if not path.is_file():
                raise InputError(f"Unable to read the input file {url}: it does not exist.")
            return str(path), None
        return url, None

    def _ingest(self, job: IngestJob) -> MediaFacts:
        source, generated_captions = self._resolve(job.url)
        try:
            info = ffmpeg.probe(source, timeout=120, video_required=False)
        except ffmpeg.FfmpegError as exc:
            raise InputError(f"Unable to download or read the input from {job.url}: {exc.detail}") from exc
        if not info.has_video:
            return self._ingest_audio(job, source, info, generated_captions)
        if info.frame_rate <= 0:
            raise InputError("The input's frame rate could not be determined.")
        work = self.store.partial_dir(job.asset_id)
        master = work / "source.mp4"
        # Mux's "standard input" is streamed as uploaded (its B-frames and GOP too); anything else is re-encoded.
        video = standard_input.timing(source) if info.video_codec == "h264" else None
        reasons = standard_input.nonstandard(info, video, job.max_side)
        # Above max_resolution_tier (1080p unless asked): stored, and so streamed, at the tier's size (shorter side).
        too_big = short_side(info.width, info.height) > job.max_side
        rate = info.frame_rate
        self.on_progress(job.asset_id, 0.0)
        if not reasons:
            ffmpeg.run(["-i", source, "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy",
                        "-movflags", "+faststart", str(master)])
        else:
            log.info("re-encoding the input of %s: %s", job.asset_id, "; ".join(reasons))
            filters = [scale_filter(info.width, info.height, job.max_side)] if too_big else []
            if video is not None and video.variable_rate:
                # A variable frame rate comes out constant, at the common rate nearest its average, as a transcoder's
                # fps filter makes it: each frame goes to the output slot nearest its time, so a phone's frames a
                # little early or late keep their own slots (none repeated, none dropped) and only a real gap is
                # filled. ``-fps_mode cfr`` alone did not: on the corpus's phone video (frames up to 12 ms late) it
                # repeated a late frame and so numbered every later picture one off (tests/emulator/test_vfr_ingest.py).
                rate = standard_input.constant_rate(info.frame_rate)
                filters.append(f"fps={rate}:round=near")
            vf = ["-vf", ",".join(filters)] if filters else []
            ffmpeg.run(["-i", source, "-map", "0:v:0", "-map", "0:a:0?", *vf, *encoder_args(rate),
                        "-fps_mode", "cfr", "-r", str(rate), *AAC, "-movflags", "+faststart", str(master)],
                       progress=lambda t: self.on_progress(job.asset_id, min(99.0, 100 * t / max(info.duration, 0.1))))
        # The video's own frames: the container's duration can be longer (sound starting before or ending after it).
        passed = video is not None and not reasons and video.frames  # the upload's own packets, counted already
        frames = (video.frames if passed and video is not None else standard_input.video_frames(str(master))) \
            or round(info.duration * rate)
        self._burn(work, master, job.overlays, rate)
        texts = list(job.texts)
        if generated_captions is not None:
            texts.insert(0, TextInputJob(f"{job.asset_id[:8]}-cc", generated_captions.as_uri(), "en", "English", True))
        tracks = [self._text_track(work, text, lambda cues: cues) for text in texts]
        return self._finish(job.asset_id, work, master, rate, frames, info.has_audio, tracks,
                            job.audio_rendition, job.sizes)

    def _ingest_audio(self, job: IngestJob, source: str, info: ffmpeg.Probe,
                      generated_captions: Path | None) -> MediaFacts:
        """Sound alone: AAC is kept as uploaded (standard input), anything else is encoded to AAC; no watermark
        (there is no picture to lay it on: a guess, docs/emulator.md)."""
        work = self.store.partial_dir(job.asset_id)
        master = work / "source.mp4"
        self.on_progress(job.asset_id, 0.0)
        codec = ["-c:a", "copy"] if info.audio_codec == "aac" else AAC
        ffmpeg.run(["-i", source, "-map", "0:a:0", *codec, "-movflags", "+faststart", str(master)],
                   progress=lambda t: self.on_progress(job.asset_id, min(99.0, 100 * t / max(info.duration, 0.1))))
        rate = Fraction(ffmpeg.probe(master, video_required=False).sample_rate or 48_000)
        samples = ffmpeg.audio_samples(str(master))
        texts = list(job.texts)
        if generated_captions is not None:
            texts.insert(0, TextInputJob(f"{job.asset_id[:8]}-cc", generated_captions.as_uri(), "en", "English", True))
        tracks = [self._text_track(work, text, lambda cues: cues) for text in texts]
        return self._finish(job.asset_id, work, master, rate, samples, True, tracks, job.audio_rendition, (),
                            audio_only=True)

    def _text_track(self, work: Path, text: TextInputJob,
                    transform: Callable[[list[webvtt.Cue]], list[webvtt.Cue]]) -> TextTrackFile:
        (work / "text").mkdir(exist_ok=True)
        raw = work / "text" / f"{text.id}.input.vtt"
        source = text.url
        if source.startswith("file://"):
            source = unquote(urlsplit(source).path)
        try:
            ffmpeg.run(["-i", source, "-f", "webvtt", str(raw)], timeout=120)
        except ffmpeg.FfmpegError as exc:
            raise InputError(f"Unable to read the text track {text.url}: {exc.detail}") from exc
        cues = transform(webvtt.parse(raw.read_text(encoding="utf-8")))
        raw.unlink()
        name = f"text/{text.id}.vtt"
        (work / name).write_text(webvtt.render(cues), encoding="utf-8")
        return TextTrackFile(text.id, text.language_code, text.name, text.closed_captions, name)

    def _finish(self, asset_id: str, work: Path, master: Path, rate: Fraction, frames: int, has_audio: bool,
                tracks: list[TextTrackFile], audio_rendition: bool, sizes: tuple[int, ...] = (),
                audio_only: bool = False) -> MediaFacts:
        segments, mpegts_start = hls.package(master, work / "hls")
        renditions = []
        if audio_rendition and has_audio:
            ffmpeg.run(["-i", str(master), "-vn", "-c:a", "copy", "-movflags", "+faststart",
                        str(work / "audio.m4a")])
            renditions.append("audio.m4a")
        info = ffmpeg.probe(master, video_required=False)
        own = short_side(info.width, info.height)  # 0 for sound alone: every size is skipped
        for side in sorted(set(sizes), reverse=True):
            if side > own:
                continue  # Mux skips a fixed size larger than the source rather than upscale (status "skipped")
            name = f"{side}p.mp4"
            if side == own:
                ffmpeg.run(["-i", str(master), "-c", "copy", "-movflags", "+faststart", str(work / name)])
            else:
                ffmpeg.run(["-i", str(master), "-vf", scale_filter(info.width, info.height, side), *X264,
                            "-c:a", "copy", "-movflags", "+faststart", str(work / name)])
            renditions.append(name)
        manifest = Manifest(frame_rate=str(rate), frames=frames, width=info.width, height=info.height,
                            has_audio=has_audio, segments=segments, mpegts_start=mpegts_start,
                            text_tracks=tracks, renditions=renditions, audio_only=audio_only)
        self.store.publish(asset_id, work, manifest)
        return facts_of(manifest)

    def _burn(self, work: Path, master: Path, overlays: tuple[overlay.OverlayJob, ...], rate: Fraction) -> None:
        """Lay the watermarks over ``master``'s frames; the clean video is kept beside it for clips."""
        if not overlays:
            return
        clean = work / CLEAN_MASTER
        master.rename(clean)
        images = work / "overlays"
        images.mkdir(exist_ok=True)
        try:
            fetched = [overlay.fetch(item, images, index) for index, item in enumerate(overlays)]
        except overlay.OverlayError as exc:
            raise InputError(str(exc)) from exc
        info = ffmpeg.probe(clean)
        inputs, graph = overlay.burn_args((info.width, info.height),
                                          [(path, size, item.settings)
                                           for (path, size), item in zip(fetched, overlays, strict=True)])
        ffmpeg.run(["-i", str(clean), *inputs, "-filter_complex", graph, "-map", "[v]", "-map", "0:a:0?",
                    "-c:a", "copy", *encoder_args(rate), "-r", str(rate), "-movflags", "+faststart", str(master)])
        for path, _size in fetched:
            path.unlink()
        images.rmdir()

    # ------------------------------------------------------------------ clips
    def _clip(self, job: ClipJob) -> MediaFacts:
        source = self.store.manifest(job.source_media)
        if source is None:
            raise InputError("The source asset's media is missing.")
        if source.audio_only:
            return self._clip_audio(job, source)
        rate = source.rate
        first, stop = frame_range(job.start, job.end, rate, source.frames)
        count = stop - first
        if count <= 0:
            raise InputError("The clip holds no frames.")
        work = self.store.partial_dir(job.asset_id)
        master = work / "source.mp4"
        source_file = self.store.asset_dir(job.source_media) / CLEAN_MASTER
        if not source_file.exists():
            source_file = self.store.asset_dir(job.source_media) / "source.mp4"
        half = Fraction(1, 2) / rate
        seek = max(first / rate - half, Fraction(0))
        lead = first / rate - seek  # how far into the seeked input the first frame sits
        seconds = count / rate
        too_big = short_side(source.width, source.height) > job.max_side
        scale = f",{scale_filter(source.width, source.height, job.max_side)}" if too_big else ""
        graph = f"[0:v]setpts=PTS-STARTPTS{scale}[v]"
        maps = ["-map", "[v]"]
        if source.has_audio:
            graph += f";[0:a]atrim=start={float(lead):.6f}:end={float(lead + seconds):.6f},asetpts=PTS-STARTPTS[a]"
            maps += ["-map", "[a]", *AAC]
        self.on_progress(job.asset_id, 0.0)
        # Times count from the first video frame (sound starting earlier puts it after the file's start).
        delay = standard_input.video_delay(str(source_file))
        ffmpeg.run(["-ss", f"{float(seek) + delay:.6f}", "-i", str(source_file), "-filter_complex", graph, *maps,
                    "-frames:v", str(count), *encoder_args(rate), "-r", str(rate), "-movflags", "+faststart",
                    str(master)],
                   progress=lambda t: self.on_progress(job.asset_id, min(99.0, 100 * t / float(seconds))))
        self._burn(work, master, job.overlays, rate)
        start_s, end_s = float(first / rate), float(stop / rate)
        tracks = self._clipped_tracks(job, source, work, start_s, end_s)
        return self._finish(job.asset_id, work, master, rate, count, source.has_audio, tracks, job.audio_rendition,
                            job.sizes)

    def _clipped_tracks(self, job: ClipJob, source: Manifest, work: Path, start_s: float, end_s: float
                       ) -> list[TextTrackFile]:
        """The source's text tracks cut to the clip's times, and the job's own, written into ``work``."""
        source_dir = self.store.asset_dir(job.source_media)
        tracks: list[TextTrackFile] = []
        for track in source.text_tracks:
            cues = webvtt.clip(webvtt.parse((source_dir / track.file).read_text(encoding="utf-8")), start_s, end_s)
            (work / "text").mkdir(exist_ok=True)
            (work / track.file).write_text(webvtt.render(cues), encoding="utf-8")
            tracks.append(track)
        tracks += [self._text_track(work, text, lambda cues: cues) for text in job.texts]
        return tracks

    def _clip_audio(self, job: ClipJob, source: Manifest) -> MediaFacts:
        """An audio-only clip: the source's samples nearest the times asked (half a sample rounds up), encoded to
        AAC. The source is decoded from its start and its samples counted (``asetpts=N/SR/TB``): an input seek
        (``-ss``) put the cut up to an AAC frame (1024 samples) late, its priming counted as sound. Decoding AAC
        runs at hundreds of times real time, so even a late cut in a long show costs seconds."""
        rate = source.rate  # samples per second
        first, stop = frame_range(job.start, job.end, rate, source.frames)
        count = stop - first
        if count <= 0:
            raise InputError("The clip holds no sound.")
        work = self.store.partial_dir(job.asset_id)
        master = work / "source.mp4"
        self.on_progress(job.asset_id, 0.0)
        end_s = float(stop / rate)
        ffmpeg.run(["-i", str(self.store.asset_dir(job.source_media) / "source.mp4"), "-map", "0:a:0",
                    "-af", f"asetpts=N/SR/TB,atrim=start_sample={first}:end_sample={stop},asetpts=PTS-STARTPTS",
                    *AAC, "-movflags", "+faststart", str(master)],
                   progress=lambda t: self.on_progress(job.asset_id, min(99.0, 100 * t / max(end_s, 0.1))))
        start_s, end_s = float(first / rate), float(stop / rate)
        tracks = self._clipped_tracks(job, source, work, start_s, end_s)
        return self._finish(job.asset_id, work, master, rate, count, True, tracks, job.audio_rendition, (),
                            audio_only=True)
