"""HTTP Basic auth against the configured tokens, read-only tokens, and Mux's rate limits."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import Emu

UNAUTHORIZED = {"error": {"type": "unauthorized", "messages": ["Unauthorized request"]}}
CREATE = {"inputs": [{"url": "https://e.com/a.mp4"}]}


def test_missing_credentials_are_401(emu: Emu) -> None:
    response = emu.anon.get("/video/v1/assets")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("auth", [("test-token-id", "wrong"), ("wrong", "test-token-secret"),
                                  ("test-token-id", ""), ("", "")])
def test_wrong_credentials_are_401(emu: Emu, auth: tuple[str, str]) -> None:
    response = emu.anon.get("/video/v1/assets", auth=auth)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_garbage_authorization_header_is_401(emu: Emu) -> None:
    for header in ("Basic !!!", "Bearer abc", "Basic " + "x" * 10):
        response = emu.anon.get("/video/v1/assets", headers={"Authorization": header})
        assert response.status_code == 401


def test_unauthorised_writes_change_nothing(emu: Emu) -> None:
    assert emu.anon.post("/video/v1/assets", json=CREATE).status_code == 401
    assert emu.api.get("/video/v1/assets").json()["data"] == []


def test_read_only_token_reads_but_cannot_write(emu: Emu) -> None:
    [asset_id] = emu.seed({})
    assert emu.ro.get(f"/video/v1/assets/{asset_id}").status_code == 200
    assert emu.ro.get("/video/v1/live-streams").status_code == 200
    for response in (emu.ro.post("/video/v1/assets", json=CREATE),
                     emu.ro.patch(f"/video/v1/assets/{asset_id}", json={"passthrough": "x"}),
                     emu.ro.delete(f"/video/v1/assets/{asset_id}")):
        assert response.status_code == 403
        assert response.json()["error"]["type"] == "forbidden"
    assert emu.asset(asset_id).get("passthrough") is None
    assert len(emu.api.get("/video/v1/assets").json()["data"]) == 1


def test_control_routes_need_no_credentials(emu: Emu) -> None:
    assert emu.anon.get("/_emulator/health").json() == {"ok": True}


def test_request_log_tells_whether_credentials_came_but_never_their_value(emu: Emu) -> None:
    emu.anon.get("/video/v1/assets")
    emu.api.get("/video/v1/assets")
    log = emu.requests(path_prefix="/video/")
    assert [(e["status"], e["authorization"]) for e in log] == [(401, False), (200, True)]
    assert "test-token-secret" not in str(log)


def _set_limits(emu: Emu, **limits: float) -> None:
    emu.ctl("PUT", "config", {"rate_limits": {"post_per_second": 1.0, "post_burst": 3,
                                              "other_per_second": 5.0, "other_burst": 10, **limits}})


def test_posts_beyond_the_burst_get_mux_429_until_the_bucket_refills(emu: Emu) -> None:
    _set_limits(emu)
    statuses = [emu.api.post("/video/v1/assets", json=CREATE).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = emu.api.post("/video/v1/assets", json=CREATE)
    assert refused.json() == {"errors": ["Too many requests, retry later."]}
    assert "retry-after" not in refused.headers  # Mux sends none
    assert len(emu.api.get("/video/v1/assets").json()["data"]) == 3
    emu.advance(1.0)  # one POST a second refills
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 201
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 429


def test_reads_have_their_own_larger_budget(emu: Emu) -> None:
    _set_limits(emu, post_burst=1)
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 201
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 429
    statuses = [emu.api.get("/video/v1/assets").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    emu.advance(0.2)  # five reads a second
    assert emu.api.get("/video/v1/assets").status_code == 200


def test_rate_limits_can_be_switched_off(emu: Emu) -> None:
    _set_limits(emu, post_burst=1)
    emu.ctl("PUT", "config", {"rate_limits": None})
    assert all(emu.api.post("/video/v1/assets", json=CREATE).status_code == 201 for _ in range(5))


def test_bad_rate_limit_config_is_refused(emu: Emu) -> None:
    response = emu.control.put("/_emulator/config", json={"rate_limits": {"speed": 3}})
    assert response.status_code == 400

