"""``recording_times`` as Mux documents it: ISO 8601 ``started_at``, seconds of ``duration``, a ``type``."""

from __future__ import annotations

from muxclipper.mux.wire import asset_from_wire


def test_sessions_are_read_in_order_with_their_offsets_in_the_recording() -> None:
    asset = asset_from_wire({"id": "a", "status": "ready", "recording_times": [
        {"started_at": "2026-11-30T19:00:00Z", "duration": 60.5, "type": "content"},
        {"started_at": "2026-11-30T19:01:00.500Z", "duration": 12.0, "type": "slate"},
        {"started_at": "2026-11-30T19:01:12.500Z", "duration": 30.0, "type": "content"},
    ]})
    kinds = [(t.type, t.offset_ms, t.duration_ms) for t in asset.recording_times]
    assert kinds == [("content", 0, 60500), ("slate", 60500, 12000), ("content", 72500, 30000)]
    assert asset.recording_times[1].started_at_ms == 1796065260500


def test_unreadable_sessions_are_skipped_not_fatal() -> None:
    asset = asset_from_wire({"id": "a", "status": "ready", "recording_times": [
        {"started_at": "yesterday", "duration": 5}, "junk", {"duration": 3},
        {"started_at": "1796065200", "duration": 4, "type": "content"}]})
    assert [(t.started_at_ms, t.duration_ms) for t in asset.recording_times] == [(1796065200000, 4000)]
