"""With a data dir, state survives a restart, and a kill -9 loses nothing that was acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
from tests.emulator.helpers import RW, emulator_process

CREATE = {"inputs": [{"url": "https://e.com/a.mp4"}], "playback_policies": ["public"]}


def _config(data_dir: Path) -> EmulatorConfig:
    return EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, data_dir=data_dir, processing_seconds=5,
                          media=False)


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    with EmulatorServer(_config(tmp_path)) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        created = [api.post("/video/v1/assets", json=CREATE).json()["data"] for _ in range(3)]
        stream = api.post("/video/v1/live-streams", json={"playback_policies": ["public"]}).json()["data"]
        api.delete(f"/video/v1/assets/{created[1]['id']}")
        api.patch(f"/video/v1/assets/{created[0]['id']}", json={"passthrough": "kept"})
        key = api.post("/system/v1/signing-keys").json()["data"]
        before = api.get("/video/v1/assets").json()["data"]
    with EmulatorServer(_config(tmp_path)) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        after = api.get("/video/v1/assets").json()["data"]
        assert [a["id"] for a in after] == [a["id"] for a in before] == [created[2]["id"], created[0]["id"]]
        assert after[1]["passthrough"] == "kept"
        pid = created[2]["playback_ids"][0]["id"]
        assert api.get(f"/video/v1/playback-ids/{pid}").json()["data"]["object"]["id"] == created[2]["id"]
        assert api.get(f"/video/v1/live-streams/{stream['id']}").status_code == 200
        assert api.get(f"/system/v1/signing-keys/{key['id']}").status_code == 200
        # Processing goes on after the restart: nothing is stuck in preparing.
        api.post("/_emulator/clock/advance", json={"seconds": 10})
        assert {a["status"] for a in api.get("/video/v1/assets").json()["data"]} == {"ready"}
        # New objects sort after the old ones.
        newest = api.post("/video/v1/assets", json=CREATE).json()["data"]
        assert api.get("/video/v1/assets").json()["data"][0]["id"] == newest["id"]


def test_reset_also_clears_the_data_dir(tmp_path: Path) -> None:
    with EmulatorServer(_config(tmp_path)) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        api.post("/video/v1/assets", json=CREATE)
        api.post("/_emulator/reset")
    with EmulatorServer(_config(tmp_path)) as server, httpx.Client(base_url=server.url, auth=RW) as api:
        assert api.get("/video/v1/assets").json()["data"] == []


@pytest.mark.slow
def test_kill_9_loses_nothing_acknowledged_and_leaves_no_half_state(tmp_path: Path) -> None:
    acknowledged: list[str] = []
    enough = threading.Event()
    with emulator_process(tmp_path, "--no-media") as (process, url):
        def create_until_killed() -> None:
            with httpx.Client(base_url=url, auth=RW, timeout=5) as api:
                while True:
                    try:
                        response = api.post("/video/v1/assets", json=CREATE)
                    except httpx.TransportError:
                        return
                    acknowledged.append(response.json()["data"]["id"])
                    if len(acknowledged) == 25:
                        enough.set()

        worker = threading.Thread(target=create_until_killed)
        worker.start()
        assert enough.wait(30), "the emulator did not create 25 assets in 30 s"
        os.kill(process.pid, signal.SIGKILL)  # in the middle of a stream of writes
        worker.join(10)
    with emulator_process(tmp_path, "--no-media") as (process, url), httpx.Client(base_url=url, auth=RW) as api:
        ids: list[str] = []
        page = api.get("/video/v1/assets", params={"limit": 100}).json()
        ids += [a["id"] for a in page["data"]]
        while page["next_cursor"]:
            page = api.get("/video/v1/assets", params={"limit": 100, "cursor": page["next_cursor"]}).json()
            ids += [a["id"] for a in page["data"]]
        for asset_id in acknowledged:
            full = api.get(f"/video/v1/assets/{asset_id}").json()["data"]
            assert full["playback_ids"], "a half-written asset came back"
    assert set(acknowledged) <= set(ids)
    assert len(ids) - len(acknowledged) <= 1  # at most the one in flight when the process died


def test_cli_refuses_a_busy_port_with_a_clear_message(tmp_path: Path) -> None:
    with EmulatorServer(_config(tmp_path / "a")) as server:
        port = server.url.rsplit(":", 1)[1]
        result = subprocess.run([sys.executable, "-m", "muxclipper", "emulator", "--port", port],
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_cli_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    with emulator_process(tmp_path, "--no-media") as (process, url):
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_cli_rejects_a_malformed_token() -> None:
    result = subprocess.run([sys.executable, "-m", "muxclipper", "emulator", "--token", "just-an-id"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "--token" in result.stderr
