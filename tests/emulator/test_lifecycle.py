"""Assets move preparing → ready/errored with the emulator clock; live recordings grow and finalise."""

from __future__ import annotations

from tests.conftest import PROCESSING_SECONDS
from tests.emulator.helpers import Emu


def _new_asset(emu: Emu, **extra: object) -> str:
    response = emu.api.post("/video/v1/assets", json={"inputs": [{"url": "https://e.com/a.mp4"}], **extra})
    assert response.status_code == 201
    return str(response.json()["data"]["id"])


def test_progress_moves_then_the_asset_is_ready(emu: Emu) -> None:
    asset_id = _new_asset(emu, playback_policies=["public"])
    assert emu.asset(asset_id)["progress"] == {"state": "ingesting", "progress": 0}
    emu.advance(PROCESSING_SECONDS * 0.6)
    middle = emu.asset(asset_id)
    assert middle["status"] == "preparing"
    assert middle["progress"]["state"] == "transcoding" and 0 < middle["progress"]["progress"] < 100
    emu.advance(PROCESSING_SECONDS)
    ready = emu.asset(asset_id)
    assert ready["status"] == "ready"
    assert ready["progress"] == {"state": "completed", "progress": 100}
    kinds = [t["type"] for t in ready["tracks"]]
    assert kinds == ["video", "audio"]
    assert ready["tracks"][0]["max_frame_rate"] == ready["max_stored_frame_rate"]


def test_hold_keeps_an_asset_preparing_until_released(emu: Emu) -> None:
    asset_id = _new_asset(emu)
    emu.ctl("POST", f"assets/{asset_id}/hold")
    emu.advance(PROCESSING_SECONDS * 3)
    assert emu.asset(asset_id)["status"] == "preparing"
    emu.ctl("POST", f"assets/{asset_id}/release")
    assert emu.asset(asset_id)["status"] == "ready"


def test_control_can_error_an_asset(emu: Emu) -> None:
    asset_id = _new_asset(emu, static_renditions=[{"resolution": "highest"}])
    emu.ctl("POST", f"assets/{asset_id}/error", {"type": "invalid_input", "messages": ["Broken file."]})
    errored = emu.asset(asset_id)
    assert errored["status"] == "errored"
    assert errored["errors"] == {"type": "invalid_input", "messages": ["Broken file."]}
    assert errored["progress"] == {"state": "errored", "progress": -1}
    assert errored["static_renditions"]["files"][0]["status"] == "errored"
    emu.advance(PROCESSING_SECONDS * 2)
    assert emu.asset(asset_id)["status"] == "errored"


def test_finish_makes_it_ready_now(emu: Emu) -> None:
    asset_id = _new_asset(emu)
    assert emu.ctl("POST", f"assets/{asset_id}/finish")["status"] == "ready"


def test_static_renditions_follow_the_asset(emu: Emu) -> None:
    asset_id = _new_asset(emu, static_renditions=[{"resolution": "highest"}, {"resolution": "2160p"},
                                                  {"resolution": "audio-only"}])
    files = emu.asset(asset_id)["static_renditions"]["files"]
    assert [(f["name"], f["status"]) for f in files] == [
        ("highest.mp4", "preparing"), ("2160p.mp4", "preparing"), ("audio.m4a", "preparing")]
    emu.ctl("POST", f"assets/{asset_id}/finish")
    files = emu.asset(asset_id)["static_renditions"]["files"]
    assert [f["status"] for f in files] == ["ready", "skipped", "ready"]  # 2160p > the 1080p source
    assert files[0]["height"] == 1080


def test_legacy_mp4_support(emu: Emu) -> None:
    asset_id = _new_asset(emu, mp4_support="capped-1080p")
    assert emu.asset(asset_id)["static_renditions"] == {"status": "preparing"}
    emu.ctl("POST", f"assets/{asset_id}/finish")
    renditions = emu.asset(asset_id)["static_renditions"]
    assert renditions["status"] == "ready"
    assert [f["name"] for f in renditions["files"]] == ["capped-1080p.mp4"]


def test_text_tracks_are_copied_into_clips(emu: Emu) -> None:
    [source] = emu.seed({"duration": 30.0, "text_tracks": [{"language_code": "en", "name": "English"}]})
    clip = emu.create_clip(source, 5, 10).json()["data"]
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    texts = [t for t in emu.asset(clip["id"])["tracks"] if t["type"] == "text"]
    assert [(t["language_code"], t["status"]) for t in texts] == [("en", "ready")]


def test_clips_of_clips(emu: Emu) -> None:
    [source] = emu.seed({"duration": 30.0})
    clip = emu.create_clip(source, 5, 25).json()["data"]
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    inner = emu.create_clip(clip["id"], 1, 3)
    assert inner.status_code == 201
    assert inner.json()["data"]["source_asset_id"] == clip["id"]


def test_live_recording_grows_then_finalises(emu: Emu) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]}}).json()["data"]
    assert stream["status"] == "idle" and "active_asset_id" not in stream
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 600})
    live = emu.api.get(f"/video/v1/live-streams/{stream['id']}").json()["data"]
    assert live["status"] == "active" and live["active_asset_id"] == recording["id"]
    emu.advance(30)
    growing = emu.asset(recording["id"])
    assert growing["is_live"] is True and growing["status"] == "preparing"
    assert growing["progress"] == {"state": "live", "progress": -1}
    assert 30 <= growing["duration"] < 31
    # A clip of the running recording without end_time ends where the recording is now.
    clip = emu.create_clip(recording["id"], 10).json()["data"]
    emu.advance(20)
    assert emu.asset(recording["id"])["duration"] >= 50
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    assert 20 <= emu.asset(clip["id"])["duration"] < 21
    assert emu.create_clip(recording["id"], 10, 500).status_code == 400  # not recorded yet
    done = emu.api.put(f"/video/v1/live-streams/{stream['id']}/complete")
    assert done.status_code == 200 and done.json() == {"data": {}}
    final = emu.asset(recording["id"])
    assert final["status"] == "ready" and final["is_live"] is False
    assert 50 <= final["duration"] < 51
    idle = emu.api.get(f"/video/v1/live-streams/{stream['id']}").json()["data"]
    assert idle["status"] == "idle" and "active_asset_id" not in idle
    assert idle["recent_asset_ids"] == [recording["id"]]
    listed = emu.api.get("/video/v1/assets", params={"live_stream_id": stream["id"]}).json()["data"]
    assert [a["id"] for a in listed] == [recording["id"]]


def test_live_recording_ends_when_its_source_runs_out(emu: Emu) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={}).json()["data"]
    recording = emu.ctl("POST", f"live-streams/{stream['id']}/start", {"length": 40})
    emu.advance(100)
    final = emu.asset(recording["id"])
    assert final["status"] == "ready" and final["duration"] == 40


def test_live_streams_list_filter_and_delete(emu: Emu) -> None:
    first = emu.api.post("/video/v1/live-streams", json={"playback_policies": "public"}).json()["data"]
    second = emu.api.post("/video/v1/live-streams", json={}).json()["data"]
    emu.ctl("POST", f"live-streams/{second['id']}/start")
    rows = emu.api.get("/video/v1/live-streams").json()["data"]
    assert [r["id"] for r in rows] == [second["id"], first["id"]]
    active = emu.api.get("/video/v1/live-streams", params={"status": "active"}).json()["data"]
    assert [r["id"] for r in active] == [second["id"]]
    paged = emu.api.get("/video/v1/live-streams", params={"limit": 1, "page": 2}).json()["data"]
    assert [r["id"] for r in paged] == [first["id"]]
    pid = first["playback_ids"][0]["id"]
    resolved = emu.api.get(f"/video/v1/playback-ids/{pid}").json()["data"]
    assert resolved["object"] == {"id": first["id"], "type": "live_stream"}
    assert emu.api.delete(f"/video/v1/live-streams/{first['id']}").status_code == 204
    assert emu.api.get(f"/video/v1/live-streams/{first['id']}").status_code == 404
    assert emu.api.put(f"/video/v1/live-streams/{first['id']}/complete").status_code == 404
