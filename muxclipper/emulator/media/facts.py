"""What a made media is, as the state learns it (:class:`MediaFacts`), and an input that cannot be made into one
(:class:`InputError`): shared by the pipeline and the slate maker, which import it, not each other."""

from __future__ import annotations

from dataclasses import dataclass, field

from muxclipper.emulator.media.store import Manifest


@dataclass(frozen=True)
class MediaFacts:
    duration: float
    frame_rate: float
    width: int
    height: int
    has_audio: bool
    text_tracks: list[dict[str, object]] = field(default_factory=list)
    audio_only: bool = False  # no video track; ``frame_rate`` is 0


class InputError(Exception):
    """The input cannot be made into an asset; ``messages`` are Mux-style."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def facts_of(manifest: Manifest) -> MediaFacts:
    return MediaFacts(
        duration=round(manifest.duration, 6), frame_rate=0.0 if manifest.audio_only else round(float(manifest.rate), 3),
        width=manifest.width, height=manifest.height, has_audio=manifest.has_audio, audio_only=manifest.audio_only,
        text_tracks=[{"id": t.id, "language_code": t.language_code, "name": t.name,
                      "closed_captions": t.closed_captions} for t in manifest.text_tracks])
