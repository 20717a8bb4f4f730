"""Faults armed through the control API hit exactly the next N matching requests."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.helpers import Emu

CREATE = {"inputs": [{"url": "https://e.com/a.mp4"}]}


def _asset_count(emu: Emu) -> int:
    return len(emu.api.get("/video/v1/assets").json()["data"])


def test_status_fault_answers_with_mux_body_and_does_not_act(emu: Emu) -> None:
    emu.fault(kind="status", method="POST", path="/video/v1/assets", status=503, retry_after=2)
    response = emu.api.post("/video/v1/assets", json=CREATE)
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "service_unavailable"
    assert response.headers["retry-after"] == "2"
    assert _asset_count(emu) == 0
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 201  # only once


def test_injected_429_has_the_rate_limit_shape(emu: Emu) -> None:
    emu.fault(kind="status", status=429, times=2)
    assert emu.api.get("/video/v1/assets").json() == {"errors": ["Too many requests, retry later."]}
    assert emu.api.get("/video/v1/assets").status_code == 429
    assert emu.api.get("/video/v1/assets").status_code == 200


def test_faults_match_method_and_path(emu: Emu) -> None:
    emu.fault(kind="status", status=500, method="DELETE", path="/video/v1/assets/*")
    assert emu.api.post("/video/v1/assets", json=CREATE).status_code == 201
    assert emu.api.get("/video/v1/assets").status_code == 200
    [asset_id] = emu.seed({})
    assert emu.api.delete(f"/video/v1/assets/{asset_id}").status_code == 500
    assert emu.api.delete(f"/video/v1/assets/{asset_id}").status_code == 204
    assert emu.ctl("GET", "faults") == []


def test_delay_before_acting_times_out_with_nothing_done(emu: Emu) -> None:
    emu.fault(kind="delay", method="POST", delay_ms=1500, when="before")
    with pytest.raises(httpx.ReadTimeout):
        emu.api.post("/video/v1/assets", json=CREATE, timeout=0.3)
    assert _asset_count(emu) == 0


def test_delay_after_acting_times_out_with_the_asset_created(emu: Emu) -> None:
    emu.fault(kind="delay", method="POST", delay_ms=1500, when="after")
    with pytest.raises(httpx.ReadTimeout):
        emu.api.post("/video/v1/assets", json=CREATE, timeout=0.3)
    assert _asset_count(emu) == 1


def test_short_delay_still_answers(emu: Emu) -> None:
    emu.fault(kind="delay", method="GET", delay_ms=50)
    assert emu.api.get("/video/v1/assets").status_code == 200
    assert emu.requests(path_prefix="/video/")[-1]["duration_ms"] >= 50


@pytest.mark.parametrize(("when", "created"), [("before", 0), ("after", 1)])
def test_drop_closes_the_connection(emu: Emu, when: str, created: int) -> None:
    emu.fault(kind="drop", method="POST", when=when)
    with pytest.raises(httpx.RemoteProtocolError):
        emu.api.post("/video/v1/assets", json=CREATE)
    assert _asset_count(emu) == created
    assert emu.requests(method="POST")[-1]["status"] is None
    assert emu.requests(method="POST")[-1]["fault"] == "drop"


def test_truncated_body(emu: Emu) -> None:
    emu.fault(kind="truncate", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        emu.api.post("/video/v1/assets", json=CREATE)
    assert _asset_count(emu) == 1


def test_malformed_body(emu: Emu) -> None:
    emu.fault(kind="malformed", method="POST")
    response = emu.api.post("/video/v1/assets", json=CREATE)
    assert response.status_code == 201
    with pytest.raises(ValueError):
        response.json()
    assert _asset_count(emu) == 1


def test_bad_fault_definitions_are_refused(emu: Emu) -> None:
    for fault in ({"kind": "explode"}, {"kind": "drop", "when": "during"}, {"kind": "status", "times": 0},
                  {"kind": "status", "colour": "red"}, "drop"):
        assert emu.control.post("/_emulator/faults", json=fault).status_code == 400, fault


def test_faults_can_be_cleared(emu: Emu) -> None:
    emu.fault(kind="status", status=500, times=5)
    emu.control.delete("/_emulator/faults")
    assert emu.api.get("/video/v1/assets").status_code == 200


def test_request_log_counts_calls_and_can_be_cleared(emu: Emu) -> None:
    emu.api.get("/video/v1/assets", params={"limit": 5})
    emu.api.post("/video/v1/assets", json=CREATE)
    log = emu.requests()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/video/v1/assets", 200), ("POST", "/video/v1/assets", 201)]
    assert log[0]["query"] == "limit=5"
    assert len(emu.requests(method="POST")) == 1
    emu.control.delete("/_emulator/requests")
    assert emu.requests() == []


def test_a_request_still_in_flight_when_the_log_is_cleared_stays_out_of_it(emu: Emu) -> None:
    # The first POST sleeps 0.2 s in the emulator after its client gave up; a reset clears the log meanwhile.
    emu.fault(kind="delay", method="POST", delay_ms=200, when="before")
    with pytest.raises(httpx.ReadTimeout):
        emu.api.post("/video/v1/assets", json=CREATE, timeout=0.05)
    emu.ctl("POST", "reset")
    # A GET held 0.4 s on the same event loop ends after the sleeping POST has finished.
    emu.fault(kind="delay", method="GET", delay_ms=400, when="after")
    assert emu.api.get("/video/v1/assets").status_code == 200
    assert [(e["method"], e["status"]) for e in emu.requests()] == [("GET", 200)]


def test_a_delayed_write_acts_on_the_body_it_was_sent_and_the_log_keeps_it(emu: Emu) -> None:
    """The gate reads a request's body once, before a fault's delay, and hands the same bytes to the log and to the
    routes (it used to read and replay it twice)."""
    emu.fault(kind="delay", method="POST", delay_ms=100, when="before")
    body = {**CREATE, "passthrough": "delayed-once"}
    created = emu.api.post("/video/v1/assets", json=body)
    assert created.status_code == 201 and created.json()["data"]["passthrough"] == "delayed-once"
    [logged] = emu.requests(method="POST")
    assert logged["body"] == body and logged["status"] == 201
