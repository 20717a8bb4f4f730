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
    again), or before it had its own source (it broadcast the keynote, whose closing slate was on for 15 s only):
    the re-run loops its own source from now on (made now if it is missing)."""
    if state.media is None:
        return
    streams = {str(s.get("passthrough", "")).removeprefix(f"{DEMO_MARK}:"): s
               for s in state.list_live_streams(limit=100)}
    rerun = next((a for a in assets if a.get("passthrough") == f"{DEMO_MARK}:rerun"), None)
    if rerun is None and "channel" in streams:
        rerun = _ingest(state, "rerun", MEDIA_SOURCES["rerun"])
    if rerun is not None:
        _wire(state, "rerun", rerun, streams)


#: The demo's generated sources: preset, title.
MEDIA_SOURCES = {"promo": "Demo: 25 fps promo", "talk": "Demo: ten-minute talk",
                 "live-event": "Demo: Friday keynote (recording)",
                 "rerun": "Demo: broadcast loop (the re-run's source)",
                 "podcast": "Demo: podcast, the interview (audio only)"}


def _add_the_podcast(state: EmulatorState, assets: list[dict[str, Any]]) -> None:
    """Demo content made before the audio-only podcast was part of it gets it at the next start."""
    if state.media is not None and not any(a.get("passthrough") == f"{DEMO_MARK}:podcast" for a in assets):
        _ingest(state, "podcast", MEDIA_SOURCES["podcast"])


def _remake_errored(state: EmulatorState, assets: list[dict[str, Any]]) -> None:
    """Demo sources whose media could not be made (no ffmpeg, an ffmpeg without what it needs…) are made again at
    the next start: the user installed what the message named, and should not have to clear anything by hand."""
    if state.media is None:
        return
    streams = {str(s.get("passthrough", "")).removeprefix(f"{DEMO_MARK}:"): s
               for s in state.list_live_streams(limit=100)}
    for asset in assets:
        preset = str(asset.get("passthrough", "")).removeprefix(f"{DEMO_MARK}:")
        if asset.get("status") != "errored" or preset not in MEDIA_SOURCES:
            continue
        state.delete_asset(str(asset["id"]))
        again = _ingest(state, preset, MEDIA_SOURCES[preset])
        _wire(state, preset, again, streams)


def _wire(state: EmulatorState, preset: str, asset: dict[str, Any], streams: dict[str, dict[str, Any]]) -> None:
    """What the demo's live streams do with a generated source."""
    if preset == "talk" and "studio" in streams:
        # Started from the control API without a source, the idle streams broadcast real media.
        state.set_default_source(streams["studio"]["id"], asset["id"])
    if preset == "live-event" and "event-stream" in streams:
        state.link_recording(streams["event-stream"]["id"], asset["id"])
        state.set_default_source(streams["event-stream"]["id"], asset["id"])
    if preset == "rerun" and "channel" in streams:
        # The re-run broadcasts in real time as soon as its media is ready, and again when it ends, a fresh recording
        # each time: the live-replay trim can be tried at any moment of a demo, and after a restart. Its closing
        # slate is on for 40 s at the end of each broadcast: proposed and taken while the recording still grows.
        state.set_loop(streams["channel"]["id"], asset["id"])


def seed_demo_content(state: EmulatorState) -> None:
    """Add the demo sources unless this state already has them (making again those that errored)."""
    existing, _ = state.list_assets(limit=100)
    if any(str(a.get("passthrough", "")).startswith(DEMO_MARK) for a in existing):
        _remake_errored(state, existing)
        existing, _ = state.list_assets(limit=100)
        _keep_the_rerun_live(state, existing)
        _add_the_podcast(state, existing)
        return
    event = _stream(state, "event-stream", "Demo: Friday keynote")
    # The re-run has live captions: generated while it runs, the final ones a minute after each run ends.
    channel = _stream(state, "channel", "Demo: keynote re-run (live now)", subtitles=True)
    studio = _stream(state, "studio", "Demo: studio B (idle)")
    if state.media is None:
        state.seed_assets([
            {"duration": 30.0, "frame_rate": 25.0, "width": 640, "height": 360,
             "title": MEDIA_SOURCES["promo"], "passthrough": f"{DEMO_MARK}:promo"},
            {"duration": 600.0, "width": 640, "height": 360, "text_tracks": CAPTIONS,
             "title": MEDIA_SOURCES["talk"], "passthrough": f"{DEMO_MARK}:talk"},
            {"duration": LIVE_EVENT_SECONDS, "width": 640, "height": 360, "text_tracks": CAPTIONS,
             "title": MEDIA_SOURCES["live-event"], "passthrough": f"{DEMO_MARK}:live-event",
             "live_stream_id": event["id"]},
            {"duration": 30.0, "audio_only": True, "title": MEDIA_SOURCES["podcast"],
             "passthrough": f"{DEMO_MARK}:podcast"},
        ])
        state.start_live_stream(channel["id"], length=3600.0)
        return
    streams = {"event-stream": event, "channel": channel, "studio": studio}
    for preset, title in MEDIA_SOURCES.items():
        _wire(state, preset, _ingest(state, preset, title), streams)
