"""``muxclipper replay`` as a producer runs it during a broadcast: the link at once, the exact clip after, and the
words for a stream that has nothing to replay (idle, ended)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu


def _stream(emu: Emu, title: str = "Saturday match") -> dict[str, Any]:
    body = {"playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
            "passthrough": title}
    stream = emu.api.post("/video/v1/live-streams", json=body).json()["data"]
    return dict(stream)


def _live(emu: Emu, seconds: float) -> tuple[dict[str, Any], str]:
    stream = _stream(emu)
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 3600})["id"]
    emu.advance(seconds)
    return stream, str(recording)


def test_replay_prints_the_link_then_makes_the_exact_clip_to_the_live_edge(emu: Emu, tmp_path: Path) -> None:
    stream, recording = _live(emu, 95)
    result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "30", "--title", "Goal!")
    assert result.returncode == 0, result.stderr
    link, job_line = result.stdout.splitlines()[:2]
    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == f"/stream/{stream['playback_ids'][0]['id']}.m3u8"  # the stream's own id
    assert float(query["program_end_time"][0]) - float(query["program_start_time"][0]) == 30.0
    assert "replay of 00:00:30.000" in result.stderr and recording in result.stderr
    [clip] = _clips(emu)
    [sent] = [r["body"] for r in emu.requests(method="POST", path_prefix="/video/v1/assets")]
    [clip_input] = sent["inputs"]
    assert clip_input["url"] == f"mux://assets/{recording}" and sent["meta"]["title"] == "Goal!"
    assert clip_input["end_time"] - clip_input["start_time"] == 30.0 and clip_input["end_time"] >= 95.0
    # The link and the clip are of the same seconds: program time is the recording's start plus the offset.
    started = emu.asset(recording)["recording_times"][0]["started_at"]
    assert abs(float(query["program_end_time"][0]) - _epoch(started) - clip_input["end_time"]) < 0.002
    assert clip["id"] in job_line and "preparing" in job_line


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_replay_json_and_wait_follow_the_clip_to_ready(emu: Emu, tmp_path: Path) -> None:
    stream, recording = _live(emu, 20)
    emu.ctl("PUT", "config", {"processing_seconds": 0.5})
    result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "10", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["state"] == "ready" and job["live_stream_id"] == stream["id"]
    assert job["end_ms"] - job["start_ms"] == 10_000 and job["source_asset_id"] == recording
    assert job["program_instant_url"].startswith(f"{emu.url}/stream/{stream['playback_ids'][0]['id']}.m3u8?")
    assert "asset_start_time" in job["instant_url"] and job["hls_url"]
    assert job["title"].startswith("Replay ")


def test_a_recording_shorter_than_asked_gives_all_of_it(emu: Emu, tmp_path: Path) -> None:
    stream, _ = _live(emu, 6)
    result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "60", "--json")
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["start_ms"] == 0 and job["end_ms"] >= 6_000


def test_an_ended_broadcast_is_refused_in_words(emu: Emu, tmp_path: Path) -> None:
    stream, recording = _live(emu, 40)
    emu.api.put(f"/video/v1/live-streams/{stream['id']}/complete")
    result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "30")
    assert result.returncode == 2 and result.stdout == ""
    assert "its broadcast has ended" in result.stderr and f"muxclipper clip {recording}" in result.stderr
    assert _clips(emu) == [] and not emu.requests(method="POST", path_prefix="/video/v1/assets")


def test_an_idle_stream_is_refused_with_what_to_do(emu: Emu, tmp_path: Path) -> None:
    stream = _stream(emu)
    result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "30")
    assert result.returncode == 2 and result.stdout == ""
    assert "is idle: it has not started broadcasting" in result.stderr and "Start the encoder" in result.stderr
    unknown = _run(_env(emu, tmp_path), "replay", "nosuchstream", "--last", "30")
    assert unknown.returncode == 2 and "'muxclipper live-streams' lists" in unknown.stderr
    hostile = _run(_env(emu, tmp_path), "replay", "../assets", "--last", "30")
    assert hostile.returncode == 2 and not emu.requests(method="GET", path_prefix="/video/v1/assets")


def test_a_live_streams_playback_id_or_url_names_it_too(emu: Emu, tmp_path: Path) -> None:
    stream, recording = _live(emu, 30)
    pid = stream["playback_ids"][0]["id"]
    for named in (pid, f"https://stream.mux.com/{pid}.m3u8"):
        result = _run(_env(emu, tmp_path), "replay", named, "--last", "10", "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["source_asset_id"] == recording
    asset_pid = emu.asset(recording)["playback_ids"][0]["id"]
    wrong = _run(_env(emu, tmp_path), "replay", asset_pid, "--last", "10")
    assert wrong.returncode == 2 and "not of a live stream" in wrong.stderr


def test_replay_lengths_are_checked_before_mux_is_asked(emu: Emu, tmp_path: Path) -> None:
    stream, _ = _live(emu, 20)
    for bad, words in (("0", "from 0.5 to 3600 seconds"), ("abc", "not a number of seconds"),
                       ("nan", "from 0.5 to 3600 seconds")):
        result = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", bad)
        assert result.returncode == 2 and words in result.stderr, result.stderr
    missing = _run(_env(emu, tmp_path), "replay", stream["id"])
    assert missing.returncode == 2 and "--last" in missing.stderr
    assert not emu.requests(method="POST", path_prefix="/video/v1/assets")


def test_a_signed_only_stream_gets_a_signed_link_with_the_environment_s_signing_key(emu: Emu, tmp_path: Path) -> None:
    import jwt

    key = emu.api.post("/system/v1/signing-keys").json()["data"]
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["signed"], "new_asset_settings": {"playback_policies": ["signed"]}}).json()["data"]
    emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 3600})
    emu.advance(40)
    unsigned = _run(_env(emu, tmp_path), "replay", stream["id"], "--last", "10")
    assert unsigned.returncode == 0 and unsigned.stdout.splitlines()[0] == ""  # the clip is made all the same
    assert "No instant URL" in unsigned.stderr and "MUX_SIGNING_KEY" in unsigned.stderr
    env = {**_env(emu, tmp_path), "MUX_SIGNING_KEY": key["id"], "MUX_PRIVATE_KEY": key["private_key"]}
    signed = _run(env, "replay", stream["id"], "--last", "10", "--json")
    assert signed.returncode == 0, signed.stderr
    link = json.loads(signed.stdout)["program_instant_url"]
    assert urlparse(link).path == f"/stream/{stream['playback_ids'][0]['id']}.m3u8"
    [token] = parse_qs(urlparse(link).query)["token"]  # the range rides in the token, as Mux requires
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["program_end_time"] - claims["program_start_time"] == 10.0 and claims["aud"] == "v"
    assert key["private_key"] not in signed.stdout + signed.stderr
