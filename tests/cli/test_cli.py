"""The command line as a user runs it against the emulator: its ``main`` with a shell's environment, and real processes
where only a process shows it (kill -9)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from muxclipper.core.jobs import token_in
from tests.emulator.helpers import RO, RW, Emu
from tests.emulator.media_helpers import wait_until
from tests.support.cli_here import run_here


def _env(emu: Emu, tmp_path: Path, auth: tuple[str, str] = RW, base: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUX_")}
    env.update(MUX_TOKEN_ID=auth[0], MUX_TOKEN_SECRET=auth[1], MUX_BASE_URL=base or emu.url,
               MUXCLIPPER_DATA_DIR=str(tmp_path / "data"))
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The command by its ``main``, in this process (tests/support/cli_here.py); the tests below that need a process
    (kill -9, ``--help`` from the entry point) start one."""
    return run_here(env, *args)


def _run_process(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "muxclipper", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def _clips(emu: Emu) -> list[dict[str, Any]]:
    return [a for a in emu.api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
            if a.get("source_asset_id")]


def test_clip_with_smpte_times_and_json(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "00:00:02:05", "--end", "12.5", "--title", "Hi",
                  "--mp4", "--json")
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["state"] == "preparing" and (job["start_ms"], job["end_ms"]) == (2_200, 12_500)
    [clip] = _clips(emu)
    assert clip["id"] == job["asset_id"] and clip["meta"]["title"] == "Hi"
    assert "secret" not in result.stdout + result.stderr


def test_clip_asks_for_the_renditions_named(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5", "--mp4-sizes", "highest,720p",
                  "--audio-only", "--json")
    assert result.returncode == 0, result.stderr
    [clip] = _clips(emu)
    [sent] = [r["body"] for r in emu.requests(method="POST", path_prefix="/video/v1/assets")]
    assert sent["static_renditions"] == [{"resolution": "highest"}, {"resolution": "audio-only"},
                                         {"resolution": "720p"}]
    assert [f["resolution"] for f in clip["static_renditions"]["files"]] == ["highest", "audio-only", "720p"]
    refused = _run(_env(emu, tmp_path), "clip", source, "--start", "1", "--end", "5", "--mp4-sizes", "4k")
    assert refused.returncode == 2 and "Unknown MP4 size '4k'" in refused.stderr
    assert len(_clips(emu)) == 1  # nothing sent for the refused one


def test_instant_prints_the_url_and_makes_no_clip(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    pid = emu.asset(source)["playback_ids"][0]["id"]
    result = _run(_env(emu, tmp_path), "clip", source, "--start", "2", "--end", "7.5", "--instant")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{emu.url}/stream/{pid}.m3u8?asset_start_time=2.0&asset_end_time=7.5"
    assert "segment-accurate" in result.stderr and _clips(emu) == []


def test_instant_on_a_live_stream_gives_the_program_time_url_too(emu: Emu, tmp_path: Path) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    live_pid = stream["playback_ids"][0]["id"]
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start")
    emu.advance(20)
    result = _run(_env(emu, tmp_path), "clip", f"https://stream.mux.com/{live_pid}.m3u8", "--start", "2",
                  "--end", "6", "--instant", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["source_asset_id"] == recording["id"]
    started = datetime.fromisoformat(emu.asset(recording["id"])["recording_times"][0]["started_at"])
    epoch_ms = round(started.timestamp() * 1000)
    assert found["program_instant_url"] == (f"{emu.url}/stream/{live_pid}.m3u8?program_start_time="
                                            f"{(epoch_ms + 2000) / 1000}&program_end_time={(epoch_ms + 6000) / 1000}")
    assert "asset_start_time=2.0&asset_end_time=6.0" in found["instant_url"]


def test_clip_wait_ends_with_the_playback_url(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})
    pid_source = emu.asset(source)["playback_ids"][0]["id"]
    result = _run(_env(emu, tmp_path), "clip", f"https://stream.mux.com/{pid_source}.m3u8", "--start", "1",
                  "--end", "4", "--wait")
    assert result.returncode == 0, result.stderr
    [clip] = _clips(emu)
    pid = clip["playback_ids"][0]["id"]
    assert result.stdout.strip().splitlines()[-1] == f"{emu.url}/stream/{pid}.m3u8"
    assert "ready" in result.stdout and "preparing" in result.stderr


@pytest.mark.parametrize(("args", "fragment"), [
    (["--start", "abc", "--end", "5"], "not a time"),
    (["--start", "1", "--end", "1.2"], "at least 0.5 s"),
    (["--start", "10", "--end", "500"], "past the end"),
    (["--start", "00:00:01:40", "--end", "5"], "does not exist at 25 fps"),
])
def test_bad_input_exits_2_with_a_reason(emu: Emu, tmp_path: Path, args: list[str], fragment: str) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    result = _run(_env(emu, tmp_path), "clip", source, *args)
    assert result.returncode == 2 and fragment in result.stderr
    assert _clips(emu) == []


def test_exit_codes_for_settings_credentials_and_network(emu: Emu, tmp_path: Path) -> None:
    env = _env(emu, tmp_path)
    del env["MUX_TOKEN_SECRET"]
    missing = _run(env, "assets")
    assert missing.returncode == 2 and "MUX_TOKEN_SECRET" in missing.stderr
    wrong = _run(_env(emu, tmp_path, ("test-token-id", "nope")), "assets")
    assert wrong.returncode == 3 and "access token" in wrong.stderr and "nope" not in wrong.stderr
    [source] = emu.seed({"duration": 60.0})
    read_only = _run(_env(emu, tmp_path, RO), "clip", source, "--start", "1", "--end", "5")
    assert read_only.returncode == 3 and "Video Write permission" in read_only.stdout
    offline = _run(_env(emu, tmp_path, base="http://127.0.0.1:9"), "assets")
    assert offline.returncode == 5 and "Could not connect" in offline.stderr


def test_listing_assets_and_live_streams(emu: Emu, tmp_path: Path) -> None:
    ids = emu.seed({"title": "Old"}, {"title": "New"})
    stream = emu.api.post("/video/v1/live-streams", json={"meta": {"title": "Stage"}}).json()["data"]
    listed = _run(_env(emu, tmp_path), "assets", "--json")
    assert [a["id"] for a in json.loads(listed.stdout)] == ids[::-1]
    text = _run(_env(emu, tmp_path), "live-streams")
    assert stream["id"] in text.stdout and "Stage" in text.stdout and "idle" in text.stdout


def _start_clip(emu: Emu, tmp_path: Path, source: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "muxclipper", "clip", source, "--start", "1", "--end", "5",
                             "--wait"], env=_env(emu, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)


@pytest.mark.slow
def test_kill_9_during_submission_then_a_new_process_finishes_without_duplicate(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})
    # Mux acts on the create, then the answer is slow: the process dies with the outcome unknown.
    emu.fault(kind="delay", method="POST", delay_ms=3000, when="after")
    process = _start_clip(emu, tmp_path, source)
    try:
        wait_until(lambda: _clips(emu), 30, "Mux to have the clip")
    finally:
        _kill(process)
    # The create's outcome is unknown: jobs --watch also carries the duplicate watch to its end (shortened here).
    watch = _run({**_env(emu, tmp_path), "MUXCLIPPER_DUPLICATE_WATCH_S": "3"}, "jobs", "--watch", "--json")
    assert watch.returncode == 0, watch.stderr
    [job] = json.loads(watch.stdout)
    assert job["state"] == "ready"
    clips = _clips(emu)
    assert len(clips) == 1 and clips[0]["id"] == job["asset_id"]
    # The killed process's request is logged once its slow answer is written; there is no second one.
    wait_until(lambda: emu.requests(method="POST"), 10, "the first create to be logged")
    assert len(emu.requests(method="POST")) == 1  # found again, never sent twice


@pytest.mark.slow
def test_kill_9_during_polling_then_a_new_process_finishes_it(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    emu.ctl("PUT", "config", {"processing_seconds": 600.0})
    process = _start_clip(emu, tmp_path, source)
    try:
        [clip] = wait_until(lambda: _clips(emu), 30, "Mux to have the clip")
        wait_until(lambda: len(emu.requests(method="GET", path_prefix="/video/v1/assets")) >= 2, 30,
                   "the CLI to poll")
    finally:
        _kill(process)
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    watch = _run(_env(emu, tmp_path), "jobs", "--watch", "--json")
    [job] = json.loads(watch.stdout)
    assert job["state"] == "ready" and job["asset_id"] == clip["id"]
    assert len(_clips(emu)) == 1
    assert token_in(clip["passthrough"]) is not None


def test_the_help_explains_each_option_the_end_point_the_exit_codes_and_the_credentials() -> None:
    # Seen: the top-level usage showed only [source], 'clip --help' explained no option, and
    # 'clip … --env NAME' failed because --env had to come before the command.
    import subprocess
    import sys

    top = subprocess.run([sys.executable, "-m", "muxclipper", "--help"], capture_output=True, text=True, check=True)
    assert "COMMAND" in top.stdout and "clip" in top.stdout and "emulator" in top.stdout
    clip = subprocess.run([sys.executable, "-m", "muxclipper", "clip", "--help"], capture_output=True, text=True,
                          check=True).stdout
    clip = " ".join(clip.split())  # as read: argparse wraps lines wherever the terminal's width puts them
    # The end point, both ways: a time is where the clip stops, a frame (#N, SMPTE) the last one kept, as in the window.
    assert "the first one left out" in clip and "is the last frame kept" in clip
    assert "Exit codes" in clip and "MUX_TOKEN_ID" in clip and "#FRAME" in clip

    import argparse

    from muxclipper.cli.main import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    for name, command in commands.choices.items():
        for action in command._actions:  # noqa: SLF001 - what --help prints, option by option
            assert action.help and len(action.help) > 10, (name, action.option_strings or action.dest)

    args = build_parser().parse_args(["clip", "ASSET", "--start", "1", "--end", "3", "--env", "Staging",
                                      "--api-base-url", "http://127.0.0.1:9"])
    assert (args.env, args.api_base_url, args.log_level) == ("Staging", "http://127.0.0.1:9", "warning")
    args = build_parser().parse_args(["--env", "Production", "jobs"])
    assert args.env == "Production"  # before the command too


def test_an_audio_only_source_is_said_to_be_one_and_has_no_slates_to_find(emu: Emu, tmp_path: Path) -> None:
    """Sound alone: listed as audio only, clipped with a word that it is, refused a frame number and a slate search in
    words (exit 2 and 7, as the help says)."""
    [source] = emu.seed({"duration": 30.0, "title": "Podcast 7", "audio_only": True})
    env = _env(emu, tmp_path)
    listed = _run(env, "assets")
    assert listed.returncode == 0 and "AUDIO ONLY  Podcast 7" in listed.stdout, listed.stdout
    assert json.loads(_run(env, "assets", "--json").stdout)[0]["audio_only"] is True
    slates = _run(env, "slates", source)
    assert slates.returncode == 7, slates.stderr
    assert "Podcast 7 is audio only (sound, no picture): there is no picture to find a slate in" in slates.stderr
    trimmed = _run(env, "clip", source, "--trim-slates")
    assert trimmed.returncode == 7 and "audio only" in trimmed.stderr
    framed = _run(env, "clip", source, "--start", "#10", "--end", "5")
    assert framed.returncode == 2 and "it has no frames" in framed.stderr, framed.stderr
    made = _run(env, "clip", source, "--start", "1.25", "--end", "00:00:04.500", "--json")
    assert made.returncode == 0, made.stderr
    job = json.loads(made.stdout)
    assert (job["start_ms"], job["end_ms"]) == (1_250, 4_500)
    [clip] = _clips(emu)
    assert "max_resolution_tier" not in [r for r in emu.api.get("/_emulator/requests", params={"method": "POST"})
                                         .json()["data"] if r["path"] == "/video/v1/assets"][-1]["body"]
    assert clip["source_asset_id"] == source
