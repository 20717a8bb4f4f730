"""``muxclipper slates`` and ``muxclipper clip --trim-slates`` as a user runs them, against the emulator's real media:
by their ``main`` in this process (tests/support/cli_here.py); the exit-code suite runs two of them as processes."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
from tests.cli.test_cli import _env, _run
from tests.emulator.helpers import RW, Emu
from tests.emulator.media_helpers import wait_settled

Run = Callable[..., subprocess.CompletedProcess[str]]

KEYNOTE = "emulator://generated/live-event?width=256&height=144&captions=0&audio=0"  # the demo's, smaller
NO_SLATE = "emulator://generated?duration=5&fps=30&width=192&height=108&audio=0"


def _ingest(api: httpx.Client, url: str, title: str) -> str:
    response = api.post("/video/v1/assets", json={"inputs": [{"url": url}], "playback_policies": ["public"],
                                                  "meta": {"title": title}})
    assert response.status_code == 201, response.text
    asset_id = str(response.json()["data"]["id"])
    assert wait_settled(api, asset_id, timeout=120)["status"] == "ready"
    return asset_id


@pytest.fixture(scope="module")
def keynote(media_api: httpx.Client) -> str:
    return _ingest(media_api, KEYNOTE, "Friday keynote")


@pytest.fixture(scope="module")
def no_slate(media_api: httpx.Client) -> str:
    return _ingest(media_api, NO_SLATE, "Bars")


@pytest.mark.slow
def test_slates_prints_the_proposed_in_and_out_with_frames_and_requests(emu: Emu, media_server: EmulatorServer,
                                                                         keynote: str, tmp_path: Path) -> None:
    env = _env(emu, tmp_path, base=media_server.url)
    shown = _run(env, "slates", keynote)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Friday keynote: 00:03:20.000 at 30 fps"
    # As the window names them: the first and the last frame kept (the closing slate's first frame is left out).
    assert lines[1].split() == ["in", "00:00:20.000", "first", "frame", "kept", "00:00:20:00", "#600"]
    assert lines[2].split() == ["out", "00:03:05.000", "last", "frame", "kept", "00:03:04:29", "#5549", "(the",
                                "closing", "slate", "begins", "at", "#5550)"]
    assert "image requests" in lines[-1]
    as_json = json.loads(_run(env, "slates", keynote, "--json").stdout)
    assert (as_json["start_ms"], as_json["end_ms"], as_json["start_frame"], as_json["end_frame"]) == \
        (20000, 185000, 600, 5550)
    assert as_json["last_frame"] == 5549
    assert as_json["requests"] > 0 and as_json["requests_per_edge"]["opening"] <= 20


@pytest.mark.slow
def test_clip_trim_slates_cuts_at_the_found_edges(emu: Emu, media_server: EmulatorServer, media_api: httpx.Client,
                                                  keynote: str, tmp_path: Path) -> None:
    env = _env(emu, tmp_path, base=media_server.url)
    made = _run(env, "clip", keynote, "--trim-slates", "--title", "Replay", "--json")
    assert made.returncode == 0, made.stderr
    job = json.loads(made.stdout)
    assert (job["start_ms"], job["end_ms"]) == (20000, 185000)
    assert "in   00:00:20.000" in made.stderr  # what was found is said, beside the JSON
    # The clip Mux was asked for is that range.
    clip = media_api.get(f"/video/v1/assets/{job['asset_id']}").json()["data"]
    assert clip["source_asset_id"] == keynote
    # A side given by hand wins over the found one.
    override = json.loads(_run(env, "clip", keynote, "--trim-slates", "--end", "60", "--json").stdout)
    assert (override["start_ms"], override["end_ms"]) == (20000, 60000)
    # The frames 'slates' names, typed back as the window's Out takes them: #5549 and its SMPTE are the last frame
    # kept, so the clip is the one --trim-slates makes; a time stays where the clip stops.
    for end in ("#5549", "00:03:04:29", "185", "00:03:05.000"):
        typed = json.loads(_run(env, "clip", keynote, "--start", "#600", "--end", end, "--instant", "--json").stdout)
        assert (typed["start_ms"], typed["end_ms"]) == (20000, 185000), (end, typed)


def run_on_a_source_without_slate(tmp_path: Path, *args: str, run: Run = _run) -> subprocess.CompletedProcess[str]:
    """A run against its own media emulator (the exit-code suite's emulator has no pictures); ``run`` runs the
    command (in this process; the exit-code suite gives its own a process)."""
    with tempfile.TemporaryDirectory() as generated, EmulatorServer(EmulatorConfig(
            tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=Path(generated))) as server, \
            httpx.Client(base_url=server.url, auth=RW, timeout=30) as api:
        source = _ingest(api, NO_SLATE, "Bars")
        env = _env(Emu(server.url, api, api, api, api), tmp_path)
        return run(env, *args, source)


def run_on_a_live_recording(tmp_path: Path, *args: str, run: Run = _run) -> subprocess.CompletedProcess[str]:
    """A run on a recording still growing (the corpus's live event, 6 s in: its opening slate over, the closing one
    not on yet), against its own media emulator with its clock stopped."""
    from tests.support.media_cache import cache_root
    from tests.support.slate_corpus import LIVE_EVENT, item_path

    with tempfile.TemporaryDirectory() as generated, EmulatorServer(EmulatorConfig(
            tokens=(Token(*RW),), rate_limits=None, media=True, generated_dir=Path(generated),
            file_folders=(cache_root(),))) as server, \
            httpx.Client(base_url=server.url, auth=RW, timeout=30) as api:
        source = _ingest(api, item_path(LIVE_EVENT).as_uri(), "Friday keynote")
        stream = api.post("/video/v1/live-streams", json={
            "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
        recording = api.post(f"/_emulator/live-streams/{stream['id']}/start", json={"source_asset_id": source})
        assert recording.status_code == 201, recording.text
        api.post("/_emulator/clock/freeze", json={"frozen": True})
        api.post("/_emulator/clock/advance", json={"seconds": 6.5})
        env = _env(Emu(server.url, api, api, api, api), tmp_path)
        return run(env, *args, recording.json()["data"]["id"])


@pytest.mark.slow
def test_a_live_recording_gives_its_opening_edge_and_exits_9(tmp_path: Path) -> None:
    shown = run_on_a_live_recording(tmp_path, "slates")
    assert shown.returncode == 9, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].endswith("(still recording)")
    assert lines[1].split() == ["in", "00:00:04.000", "first", "frame", "kept", "00:00:04:00", "#100"]
    assert lines[2].strip() == "out  the closing slate has not appeared yet: out stays open"
    assert "is still recording and its closing slate has not appeared yet (the opening slate ends at 00:00:04.000)" \
        in shown.stderr


@pytest.mark.slow
def test_no_slate_exits_7_and_says_what_to_do_instead(emu: Emu, media_server: EmulatorServer, media_api: httpx.Client,
                                                      no_slate: str, tmp_path: Path) -> None:
    env = _env(emu, tmp_path, base=media_server.url)
    shown = _run(env, "slates", no_slate)
    assert shown.returncode == 7
    assert "no opening slate" in shown.stdout and "No slate found on Bars" in shown.stderr
    assert "--start TIME --end TIME" in shown.stderr
    clip = _run(env, "clip", no_slate, "--trim-slates")
    assert clip.returncode == 7 and "No slate found" in clip.stderr and "Traceback" not in clip.stderr
    assets = media_api.get("/video/v1/assets", params={"limit": 100}).json()["data"]
    assert not [a for a in assets if a.get("source_asset_id") == no_slate]  # nothing was guessed


def test_clip_without_times_or_trim_slates_is_bad_input(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0})
    result = _run(_env(emu, tmp_path), "clip", source)
    assert result.returncode == 2 and "--start and --end (or --trim-slates" in result.stderr
