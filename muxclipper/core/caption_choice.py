"""Which of an asset's caption tracks the editor shows. A live stream with generated captions gives its recording
two tracks per language: ``generated_live`` (made during the event, ready at once) and ``generated_live_final``
(made after it ends, better, ready a while later). Like Mux's own playback, only the final one is shown once it is
ready — never both (doubled captions) — and the interim one until then."""

from __future__ import annotations

from collections.abc import Sequence

from muxclipper.core.models import TextTrack

LIVE = "generated_live"
LIVE_FINAL = "generated_live_final"


def shown_tracks(tracks: Sequence[TextTrack]) -> list[TextTrack]:
    """The ready tracks, the interim live ones left out where a final one of the same language is ready."""
    ready = [t for t in tracks if t.status == "ready"]
    finals = {t.language_code for t in ready if t.text_source == LIVE_FINAL}
    return [t for t in ready if not (t.text_source == LIVE and t.language_code in finals)]


def shown_track(tracks: Sequence[TextTrack]) -> TextTrack | None:
    """The track the editor draws (the first shown one), or None."""
    shown = shown_tracks(tracks)
    return shown[0] if shown else None


def final_captions_pending(tracks: Sequence[TextTrack]) -> bool:
    """Whether final live captions are still being made (a recording that ended a short while ago)."""
    return any(t.text_source == LIVE_FINAL and t.status == "preparing" for t in tracks)


def captions_fact(tracks: Sequence[TextTrack]) -> str:
    """The caption tracks as the source's facts list them: the ones shown, and the final live captions while they
    are being made ("English (en, live; final ones after the event)")."""
    pending = final_captions_pending(tracks)
    parts = []
    for track in shown_tracks(tracks):
        if track.text_source == LIVE:
            note = ", live; final ones after the event" if pending else ", live"
        else:
            note = ""
        parts.append(f"{track.name} ({track.language_code}{note})")
    return ", ".join(parts) or ("being made" if tracks else "none")
