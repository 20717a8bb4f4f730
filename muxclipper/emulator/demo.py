"""Demo content: the sources a producer meets in ``muxclipper --demo``, seeded once per data dir.

Until the media work lands these are metadata only (no frames behind them); the lengths and
structure already match the planned media: a live event with slates, a long talk, a 25 fps short.
"""

from __future__ import annotations

from muxclipper.emulator import validation as v
from muxclipper.emulator.state import EmulatorState

DEMO_MARK = "muxclipper-demo"
LIVE_EVENT_SECONDS = 200.0  # 20 s preroll slate + 165 s programme + 15 s postroll slate
CAPTIONS = [{"language_code": "en", "name": "English", "closed_captions": True}]


def seed_demo_content(state: EmulatorState) -> None:
    """Add the demo sources unless this state already has them."""
    existing, _ = state.list_assets(limit=100)
    if any(str(a.get("passthrough", "")).startswith(DEMO_MARK) for a in existing):
        return
    event = state.create_live_stream(v.CreateLiveStreamSpec(
        playback_policies=("public",), new_asset_policies=("public",), latency_mode="standard",
        reconnect_window=60.0, passthrough=f"{DEMO_MARK}:event-stream", title="Demo: Friday keynote",
        test=False))
    channel = state.create_live_stream(v.CreateLiveStreamSpec(
        playback_policies=("public",), new_asset_policies=("public",), latency_mode="standard",
        reconnect_window=60.0, passthrough=f"{DEMO_MARK}:channel", title="Demo: always-on channel",
        test=False))
    state.create_live_stream(v.CreateLiveStreamSpec(
        playback_policies=("public",), new_asset_policies=("public",), latency_mode="standard",
        reconnect_window=60.0, passthrough=f"{DEMO_MARK}:studio", title="Demo: studio B (idle)",
        test=False))
    state.seed_assets([
        {"duration": 30.0, "frame_rate": 25.0, "width": 1280, "height": 720,
         "title": "Demo: 25 fps promo", "passthrough": f"{DEMO_MARK}:promo"},
        {"duration": 600.0, "width": 1280, "height": 720, "text_tracks": CAPTIONS,
         "title": "Demo: ten-minute talk", "passthrough": f"{DEMO_MARK}:talk"},
        {"duration": LIVE_EVENT_SECONDS, "width": 1280, "height": 720, "text_tracks": CAPTIONS,
         "title": "Demo: Friday keynote (recording)", "passthrough": f"{DEMO_MARK}:live-event",
         "live_stream_id": event["id"]},
    ])
    state.start_live_stream(channel["id"], length=3600.0, width=1280, height=720)
