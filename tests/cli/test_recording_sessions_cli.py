"""``muxclipper sessions`` and times of day in ``muxclipper clip``, as a user runs them, on a recording whose encoder
dropped out (the emulator inserts slate)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu

PLUS_TWO = timezone(timedelta(hours=2))  # "local" in these runs (TZ=Etc/GMT-2)


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _recording_with_a_slate(emu: Emu) -> str:
    """5 min of content, 25 s of slate, 10 min of content."""
    stream = emu.api.post("/video/v1/live-streams", json={
        "latency_mode": "reduced", "reconnect_window": 60, "playback_policies": ["public"],
        "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 3600})["id"]
    emu.advance(300)
    emu.ctl("POST", f"live-streams/{stream['id']}/disconnect")
    emu.advance(25)
    emu.ctl("POST", f"live-streams/{stream['id']}/reconnect")
    emu.advance(600)
    emu.api.put(f"/video/v1/live-streams/{stream['id']}/complete")
    return str(recording)


def test_sessions_lists_connections_and_slates(emu: Emu, tmp_path: Path) -> None:
    recording = _recording_with_a_slate(emu)
    env = {**_env(emu, tmp_path), "TZ": "Etc/GMT-2"}  # "local" is UTC+2
    table = _run(env, "sessions", recording)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert "3 sessions" in lines[0]
    sessions = json.loads(_run(env, "sessions", recording, "--json").stdout)
    assert [s["type"] for s in sessions] == ["content", "slate", "content"]
    assert [round(s["duration_ms"], -2) for s in sessions] == [300_000, 25_000, 600_000]
    slate = lines[3].split()
    assert slate[:2] == ["2", "slate"]
    assert slate[5] == _at(sessions[1]["started_at"]).astimezone(PLUS_TWO).strftime("%H:%M:%S.%f")[:-3]
    assert slate[6] == "local"
    assert _run(env, "sessions", recording, "--utc").stdout.count("UTC") >= 6
    [plain] = emu.seed({"duration": 30.0})
    none = _run(env, "sessions", plain)
    assert none.returncode == 0 and "no recording sessions" in none.stderr


def test_clip_takes_times_of_day_on_a_recording(emu: Emu, tmp_path: Path) -> None:
    recording = _recording_with_a_slate(emu)
    env = {**_env(emu, tmp_path), "TZ": "Etc/GMT-2"}
    sessions = json.loads(_run(env, "sessions", recording, "--json").stdout)
    after_slate = _at(sessions[2]["started_at"])  # the encoder is back
    start = (after_slate + timedelta(seconds=1)).astimezone(PLUS_TWO)
    end = (after_slate + timedelta(seconds=60)).astimezone(UTC)
    result = _run(env, "clip", recording, "--start", start.strftime("%H:%M:%S.%f")[:-3] + " local",
                  "--end", end.strftime("%H:%M:%S.%f")[:-3] + "Z", "--json")
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert (job["start_ms"], job["end_ms"]) == (sessions[2]["offset_ms"] + 1_000, sessions[2]["offset_ms"] + 60_000)
    [clip] = _clips(emu)
    assert clip["id"] == job["asset_id"]
    before = (after_slate - timedelta(hours=2)).astimezone(PLUS_TWO).strftime("%H:%M:%S local")
    outside = _run(env, "clip", recording, "--start", before, "--end", start.strftime("%H:%M:%S local"))
    assert outside.returncode == 2 and "outside the recording, which runs from" in outside.stderr
    bad = _run(env, "clip", recording, "--start", "19:61:00 local", "--end", "20:00:00 local")
    assert bad.returncode == 2 and "minutes and seconds to 59" in bad.stderr
