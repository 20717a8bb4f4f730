"""What muxclipper knows about Mux objects: frozen, in milliseconds, free of wire names."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from muxclipper.core.watermark import Watermark


class AssetStatus(StrEnum):
    PREPARING = "preparing"
    READY = "ready"
    ERRORED = "errored"


class PlaybackPolicy(StrEnum):
    PUBLIC = "public"
    SIGNED = "signed"
    DRM = "drm"


class VideoQuality(StrEnum):
    BASIC = "basic"
    PLUS = "plus"
    PREMIUM = "premium"


class LiveStreamStatus(StrEnum):
    IDLE = "idle"
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class PlaybackId:
    id: str
    policy: str  # a PlaybackPolicy value, or one Mux added since


@dataclass(frozen=True)
class Progress:
    state: str           # ingesting, transcoding, completed, live, errored
    percent: float | None  # 0–100; None when Mux says -1 (live, errored)


@dataclass(frozen=True)
class TextTrack:
    id: str
    language_code: str
    name: str
    closed_captions: bool
    status: str
    #: uploaded, embedded, generated_vod, generated_live (made during a live event) or generated_live_final (made
    #: after it ends, better); "" when Mux does not say
    text_source: str = ""


@dataclass(frozen=True)
class StaticRendition:
    name: str     # "highest.mp4", "audio.m4a", …
    status: str   # ready, preparing, skipped, errored
    resolution: str = ""  # "highest", "audio-only", "720p", … ("" for the legacy mp4_support files)


@dataclass(frozen=True)
class RecordingTime:
    """One session of a live recording (``recording_times``): an encoder connection (``content``) or the slate Mux
    inserted while the encoder was away (``slate``). ``offset_ms`` is where it starts in the recording: the sum of
    the sessions before it, since a recording is its sessions back to back."""

    started_at_ms: int   # wall clock, Unix epoch milliseconds
    duration_ms: int
    type: str            # "content" or "slate", or a type Mux added since
    offset_ms: int = 0

    @property
    def end_offset_ms(self) -> int:
        return self.offset_ms + self.duration_ms


@dataclass(frozen=True)
class Asset:
    id: str
    status: AssetStatus
    created_at_s: int
    duration_ms: int | None = None
    frame_rate: Fraction | None = None
    width: int | None = None
    height: int | None = None
    aspect_ratio: str | None = None
    resolution_tier: str | None = None
    video_quality: str | None = None
    playback_ids: tuple[PlaybackId, ...] = ()
    text_tracks: tuple[TextTrack, ...] = ()
    static_renditions: tuple[StaticRendition, ...] = ()
    passthrough: str | None = None
    title: str | None = None
    is_live: bool = False
    live_stream_id: str | None = None
    source_asset_id: str | None = None
    ingest_type: str | None = None
    progress: Progress | None = None
    error_type: str | None = None
    error_messages: tuple[str, ...] = ()
    recording_times: tuple[RecordingTime, ...] = ()
    #: Sound and no picture (Mux's audio-only assets): its tracks list audio and no video.
    audio_only: bool = False

    def playback_id(self, policy: str = PlaybackPolicy.PUBLIC) -> PlaybackId | None:
        return next((p for p in self.playback_ids if p.policy == policy), None)


@dataclass(frozen=True)
class LiveStream:
    id: str
    status: str
    created_at_s: int
    active_asset_id: str | None = None
    recent_asset_ids: tuple[str, ...] = ()
    playback_ids: tuple[PlaybackId, ...] = ()
    title: str | None = None


@dataclass(frozen=True)
class PlaybackTarget:
    """What ``GET /video/v1/playback-ids/{id}`` says a playback id belongs to."""

    playback_id: str
    policy: str
    object_type: str  # "asset" or "live_stream"
    object_id: str


@dataclass(frozen=True)
class AssetPage:
    assets: tuple[Asset, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class ClipOptions:
    """How the clip asset is made; defaults are what producers want most of the time."""

    playback_policies: tuple[str, ...] = (PlaybackPolicy.PUBLIC,)
    video_quality: str | None = None  # None: Mux's choice (the source's)
    #: static renditions to make (core/renditions.py: "highest", "audio-only", "720p", …); () for none
    renditions: tuple[str, ...] = ()
    title: str | None = None
    passthrough: str | None = None
    #: "1080p", "1440p" or "2160p"; None: as the source (core/resolution.py makes it concrete before sending).
    max_resolution_tier: str | None = None
    #: Keep the source's watermark on the clip (Mux's ``copy_overlays``, true unless told otherwise).
    copy_overlays: bool = True
    #: An image watermark added to the clip (a second input with ``overlay_settings``).
    watermark: Watermark | None = None


@dataclass(frozen=True)
class ClipRequest:
    """A clip to make. ``source``, when the caller has it, is what the request is checked against before it is
    saved (duration so far, still recording: :func:`muxclipper.core.clip_rules.check_request`)."""

    source_asset_id: str
    start_ms: int
    end_ms: int
    options: ClipOptions = field(default_factory=ClipOptions)
    source: Asset | None = field(default=None, compare=False, repr=False)
