"""Asset routes: create, read, list with pages and cursors, update, delete, playback ids."""

from __future__ import annotations

from typing import Any

from tests.emulator.helpers import Emu


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def test_create_answers_201_with_a_preparing_asset(emu: Emu) -> None:
    response = emu.api.post("/video/v1/assets", json={
        "inputs": [{"url": "https://example.com/video.mp4"}],
        "playback_policies": ["public", "signed"], "video_quality": "premium",
        "passthrough": "job-1", "meta": {"title": "Keynote"}})
    assert response.status_code == 201
    asset = response.json()["data"]
    assert asset["status"] == "preparing"
    assert asset["progress"] == {"state": "ingesting", "progress": 0}
    assert asset["created_at"].isdigit()  # a string of Unix seconds, as Mux sends it
    assert [p["policy"] for p in asset["playback_ids"]] == ["public", "signed"]
    assert asset["video_quality"] == "premium" and asset["encoding_tier"] == "premium"
    assert asset["ingest_type"] == "on_demand_url"
    assert asset["passthrough"] == "job-1" and asset["meta"] == {"title": "Keynote"}
    assert emu.asset(asset["id"]) == asset


def test_clip_carries_its_source(emu: Emu) -> None:
    [source] = emu.seed({"duration": 120.0, "frame_rate": 25.0, "width": 1280, "height": 720})
    response = emu.create_clip(source, 10.0, 70.5, playback_policies=["public"])
    assert response.status_code == 201
    clip = response.json()["data"]
    assert clip["source_asset_id"] == source
    assert clip["ingest_type"] == "on_demand_clip"
    assert clip["id"] != source
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    ready = emu.asset(clip["id"])
    assert ready["status"] == "ready"
    assert ready["duration"] == 60.5
    assert ready["max_stored_frame_rate"] == 25.0
    assert ready["aspect_ratio"] == "16:9" and ready["resolution_tier"] == "720p"


def test_clip_defaults_to_the_whole_source(emu: Emu) -> None:
    [source] = emu.seed({"duration": 42.0})
    clip = emu.create_clip(source).json()["data"]
    emu.ctl("POST", f"assets/{clip['id']}/finish")
    assert emu.asset(clip["id"])["duration"] == 42.0


def test_list_is_newest_first_and_pages_by_number(emu: Emu) -> None:
    ids = emu.seed(count=7)
    newest_first = list(reversed(ids))
    first = emu.api.get("/video/v1/assets", params={"limit": 3}).json()
    second = emu.api.get("/video/v1/assets", params={"limit": 3, "page": 2}).json()
    third = emu.api.get("/video/v1/assets", params={"limit": 3, "page": 3}).json()
    assert _ids(first["data"]) + _ids(second["data"]) + _ids(third["data"]) == newest_first
    assert third["next_cursor"] is None


def test_cursor_walks_every_asset_once_even_when_new_ones_arrive(emu: Emu) -> None:
    ids = emu.seed(count=5)
    page = emu.api.get("/video/v1/assets", params={"limit": 2}).json()
    seen = _ids(page["data"])
    emu.seed(count=2)  # new arrivals must not shift the pages already handed out
    while page["next_cursor"]:
        page = emu.api.get("/video/v1/assets", params={"limit": 2, "cursor": page["next_cursor"]}).json()
        seen += _ids(page["data"])
    assert seen == list(reversed(ids))


def test_limit_defaults_to_25_and_is_capped_at_100(emu: Emu) -> None:
    emu.seed(count=130)
    assert len(emu.api.get("/video/v1/assets").json()["data"]) == 25
    big = emu.api.get("/video/v1/assets", params={"limit": 500}).json()
    assert len(big["data"]) == 100 and big["next_cursor"]


def test_bad_list_parameters_are_400(emu: Emu) -> None:
    for params in ({"limit": "ten"}, {"limit": 0}, {"page": 0}, {"cursor": "not-a-cursor"}):
        response = emu.api.get("/video/v1/assets", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["type"] == "invalid_parameters"


def test_list_filters_by_live_stream(emu: Emu) -> None:
    stream = emu.api.post("/video/v1/live-streams", json={"playback_policies": ["public"]}).json()["data"]
    [recording] = emu.seed({"live_stream_id": stream["id"]})
    emu.seed(count=3)
    rows = emu.api.get("/video/v1/assets", params={"live_stream_id": stream["id"]}).json()["data"]
    assert _ids(rows) == [recording]
    assert emu.api.get("/video/v1/assets", params={"upload_id": "nope"}).json()["data"] == []


def test_patch_updates_and_clears_passthrough_and_meta(emu: Emu) -> None:
    [asset_id] = emu.seed({"passthrough": "old", "title": "Old"})
    response = emu.api.patch(f"/video/v1/assets/{asset_id}", json={"passthrough": "new",
                                                                 "meta": {"creator_id": "me"}})
    assert response.status_code == 200
    assert response.json()["data"]["passthrough"] == "new"
    assert response.json()["data"]["meta"] == {"title": "Old", "creator_id": "me"}
    cleared = emu.api.patch(f"/video/v1/assets/{asset_id}", json={"passthrough": ""}).json()["data"]
    assert "passthrough" not in cleared
    too_long = emu.api.patch(f"/video/v1/assets/{asset_id}", json={"passthrough": "x" * 256})
    assert too_long.status_code == 400


def test_delete_answers_204_then_404(emu: Emu) -> None:
    [asset_id] = emu.seed({})
    pid = emu.asset(asset_id)["playback_ids"][0]["id"]
    response = emu.api.delete(f"/video/v1/assets/{asset_id}")
    assert response.status_code == 204 and response.content == b""
    assert emu.api.get(f"/video/v1/assets/{asset_id}").status_code == 404
    assert emu.api.delete(f"/video/v1/assets/{asset_id}").status_code == 404
    assert emu.api.get(f"/video/v1/playback-ids/{pid}").status_code == 404


def test_unknown_asset_is_mux_404(emu: Emu) -> None:
    response = emu.api.get("/video/v1/assets/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"error": {"type": "not_found", "messages": [
        "The requested resource either doesn't exist or you don't have access to it."]}}


def test_unknown_route_and_method_answer_in_mux_shape(emu: Emu) -> None:
    assert emu.api.get("/video/v1/nothing-here").json()["error"]["type"] == "not_found"
    response = emu.api.put("/video/v1/assets")
    assert response.status_code == 405
    assert "error" in response.json()


def test_playback_ids_can_be_added_read_resolved_and_removed(emu: Emu) -> None:
    [asset_id] = emu.seed({"policies": []})
    created = emu.api.post(f"/video/v1/assets/{asset_id}/playback-ids", json={"policy": "signed"})
    assert created.status_code == 201
    pid = created.json()["data"]
    assert pid["policy"] == "signed"
    assert emu.asset(asset_id)["playback_ids"] == [pid]
    got = emu.api.get(f"/video/v1/assets/{asset_id}/playback-ids/{pid['id']}")
    assert got.json()["data"] == pid
    resolved = emu.api.get(f"/video/v1/playback-ids/{pid['id']}").json()["data"]
    assert resolved == {"id": pid["id"], "policy": "signed", "object": {"id": asset_id, "type": "asset"}}
    assert emu.api.delete(f"/video/v1/assets/{asset_id}/playback-ids/{pid['id']}").status_code == 204
    assert emu.api.get(f"/video/v1/playback-ids/{pid['id']}").status_code == 404
    assert emu.api.delete(f"/video/v1/assets/{asset_id}/playback-ids/{pid['id']}").status_code == 404
    bad = emu.api.post(f"/video/v1/assets/{asset_id}/playback-ids", json={"policy": "private"})
    assert bad.status_code == 400


def test_signing_keys_return_the_private_key_once(emu: Emu) -> None:
    created = emu.api.post("/system/v1/signing-keys")
    assert created.status_code == 201
    key = created.json()["data"]
    import base64

    assert base64.b64decode(key["private_key"]).startswith(b"-----BEGIN PRIVATE KEY-----")
    listed = emu.api.get("/system/v1/signing-keys").json()["data"]
    assert listed == [{"id": key["id"], "created_at": key["created_at"]}]
    assert "private_key" not in emu.api.get(f"/system/v1/signing-keys/{key['id']}").json()["data"]
    assert emu.api.delete(f"/system/v1/signing-keys/{key['id']}").status_code == 204
    assert emu.api.get(f"/system/v1/signing-keys/{key['id']}").status_code == 404
