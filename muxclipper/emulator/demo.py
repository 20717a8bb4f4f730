"""Demo content: the sources a producer meets in ``muxclipper --demo``, seeded once per data dir.

With media on, the sources are generated (each frame stamped with its timecode, frame number and
a machine-readable index), cached, and ingested through the normal pipeline, so they turn ready a
little after start-up, as uploads do. With media off they are metadata only.
"""

from __future__ import annotations

from typing import Any

from muxclipper.emulator import validation as v
from muxclipper.emulator.state import EmulatorState

DEMO_MARK = "muxclipper-demo"
LIVE_EVENT_SECONDS = 200.0  # 20 s preroll slate + 165 s programme + 15 s postroll slate
CAPTIONS = [{"language_code": "en", "name": "English", "closed_captions": True}]


def _stream(state: EmulatorState, name: str, title: str, subtitles: bool = False) -> dict[str, Any]:
    generated = ({"language_code": "en", "name": "English CC (generated)"},) if subtitles else ()
    return state.create_live_stream(v.CreateLiveStreamSpec(
        playback_policies=("public",), new_asset_policies=("public",), latency_mode="standard",
        reconnect_window=60.0, passthrough=f"{DEMO_MARK}:{name}", title=title, test=False,
        generated_subtitles=generated))


def _ingest(state: EmulatorState, preset: str, title: str) -> dict[str, Any]:
    spec = v.parse_create_asset({
        "inputs": [{"url": f"emulator://generated/{preset}"}], "playback_policies": ["public"],
        "video_quality": "plus", "passthrough": f"{DEMO_MARK}:{preset}", "meta": {"title": title}})
    return state.create_asset(spec)


def _keep_the_rerun_live(state: EmulatorState, assets: list[dict[str, Any]]) -> None:
    """Demo content made before the re-run looped (it broadcast once, ~4 minutes after the first start, and never
    again): the re-run loops from now on."""
    recording = next((a for a in assets if a.get("passthrough") == f"{DEMO_MARK}:live-event"), None)
    streams = state.list_live_streams(limit=100)
    channel = next((s for s in streams if s.get("passthrough") == f"{DEMO_MARK}:channel"), None)
    if recording is not None and channel is not None and state.media is not None:
        state.set_loop(str(channel["id"]), str(recording["id"]))


def seed_demo_content(state: EmulatorState) -> None:
    """Add the demo sources unless this state already has them."""
    existing, _ = state.list_assets(limit=100)
    if any(str(a.get("passthrough", "")).startswith(DEMO_MARK) for a in existing):
        _keep_the_rerun_live(state, existing)
        return
    event = _stream(state, "event-stream", "Demo: Friday keynote")
    # The re-run has live captions: generated while it runs, the final ones a minute after each run ends.
    channel = _stream(state, "channel", "Demo: keynote re-run (live now)", subtitles=True)
    studio = _stream(state, "studio", "Demo: studio B (idle)")
    if state.media is None:
        state.seed_assets([
            {"duration": 30.0, "frame_rate": 25.0, "width": 640, "height": 360,
             "title": "Demo: 25 fps promo", "passthrough": f"{DEMO_MARK}:promo"},
            {"duration": 600.0, "width": 640, "height": 360, "text_tracks": CAPTIONS,
             "title": "Demo: ten-minute talk", "passthrough": f"{DEMO_MARK}:talk"},
            {"duration": LIVE_EVENT_SECONDS, "width": 640, "height": 360, "text_tracks": CAPTIONS,
             "title": "Demo: Friday keynote (recording)", "passthrough": f"{DEMO_MARK}:live-event",
             "live_stream_id": event["id"]},
        ])
        state.start_live_stream(channel["id"], length=3600.0)
        return
    _ingest(state, "promo", "Demo: 25 fps promo")
    talk = _ingest(state, "talk", "Demo: ten-minute talk")
    recording = _ingest(state, "live-event", "Demo: Friday keynote (recording)")
    state.link_recording(event["id"], recording["id"])
    # Started from the control API without a source, the idle streams broadcast real media.
    state.set_default_source(studio["id"], talk["id"])
    state.set_default_source(event["id"], recording["id"])
    # The re-run broadcasts the keynote in real time as soon as its media is ready, and again when it ends, a fresh
    # recording each time: the live-replay trim can be tried at any moment of a demo, and after a restart.
    state.set_loop(channel["id"], recording["id"])
