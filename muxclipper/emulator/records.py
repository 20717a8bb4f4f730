"""What the emulator keeps per object: Mux's public document plus the facts behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Self


class _Stored:
    """Records round-trip through JSON rows in the emulator's SQLite file."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**data)


@dataclass
class AssetRecord(_Stored):
    """An asset: ``doc`` is exactly what the API returns; the rest drives its life cycle."""

    doc: dict[str, Any]
    seq: int
    #: Timer-driven processing: when it began and when the asset turns ready (emulator clock).
    processing_started_at: float | None = None
    ready_at: float | None = None
    #: Held by the control API: stays ``preparing`` until released, errored or finished.
    hold: bool = False
    # Media facts the asset will report once ready.
    media_duration: float = 0.0
    frame_rate: float = 30.0
    width: int = 1920
    height: int = 1080
    has_audio: bool = True
    #: Sound and no picture (an M4A upload, its clips): no video track, the "audio-only" tier.
    audio_only: bool = False
    text_tracks: list[dict[str, Any]] = field(default_factory=list)
    # A clip's range in its source, seconds.
    clip_start: float | None = None
    clip_end: float | None = None
    # A live recording: when it started and how long the broadcast lasts before it ends by itself.
    live_started_at: float | None = None
    live_length: float | None = None
    #: "timer" (made-up media, ready after processing_seconds), "media" (real files made by the
    #: pipeline) or "seeded" (created by the control API, no files).
    processing: str = "timer"
    #: For "media": queued (the job is in the pool) or done (files published).
    media_state: str | None = None
    #: The media directory that backs this asset: its own id, or the source's for a live recording.
    media_name: str | None = None
    #: The pipeline job, kept so a restart can run it again.
    job: dict[str, Any] | None = None
    #: A media-backed live recording: the end time of each source segment, for "playable so far".
    live_segment_ends: list[float] = field(default_factory=list)
    #: A live recording's encoder connections and slates, in order: ``{"type", "started_at", "offset"}``
    #: (emulator clock, seconds into the recording); see emulator/recording_sessions.py.
    sessions: list[dict[str, Any]] = field(default_factory=list)
    #: While the encoder is away: when it left (emulator clock), and whether slate fills the gap.
    disconnected_at: float | None = None
    slate_on_disconnect: bool = False
    reconnect_window: float = 0.0
    #: Seconds of the broadcast that were not recorded (outages without slate).
    live_paused: float = 0.0
    #: The watermarks burnt into this asset ({"url", "settings"}), its own and those copied from a clip's source:
    #: a clip of it with copy_overlays gets them too.
    overlays: list[dict[str, Any]] = field(default_factory=list)
    #: Generated live captions: a text track's id -> the media's caption track served for it; the interim
    #: ``generated_live`` ones are served as a live recogniser writes (lower case, no punctuation).
    text_files: dict[str, str] = field(default_factory=dict)
    interim_tracks: list[str] = field(default_factory=list)
    #: When the ``generated_live_final`` track turns ready (emulator clock); None once it is, or without one.
    final_captions_at: float | None = None
    #: A media-backed live recording: the source's media it broadcasts, and which of its slated versions
    #: (media made while still live, emulator/recording_sessions.py) is the newest asked for.
    broadcast_media: str | None = None
    live_media_version: int = 0

    @property
    def id(self) -> str:
        return str(self.doc["id"])

    @property
    def status(self) -> str:
        return str(self.doc["status"])

    @property
    def is_recording(self) -> bool:
        return self.live_started_at is not None and bool(self.doc.get("is_live"))


@dataclass
class LiveStreamRecord(_Stored):
    doc: dict[str, Any]
    seq: int
    new_asset_policies: list[str] = field(default_factory=list)
    #: ``generated_subtitles`` as asked ({name, language_code, passthrough}): each recording gets live captions.
    generated_subtitles: list[dict[str, Any]] = field(default_factory=list)
    #: Start broadcasting this asset's media as soon as it is ready (the demo's self-starting stream).
    autostart_source: str | None = None
    #: What a start without a source broadcasts (the demo's idle streams have one).
    default_source: str | None = None
    #: Broadcast this asset's media again and again, a fresh recording each time (the demo's "live now" stream),
    #: the next one starting at ``next_broadcast_at`` (emulator clock) once the last one ends.
    loop_source: str | None = None
    next_broadcast_at: float | None = None

    @property
    def id(self) -> str:
        return str(self.doc["id"])


@dataclass
class SigningKeyRecord(_Stored):
    doc: dict[str, Any]  # id and created_at; the private key is returned once and never kept
    seq: int
    public_key_pem: str

    @property
    def id(self) -> str:
        return str(self.doc["id"])
