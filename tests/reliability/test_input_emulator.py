"""Defect 7, over HTTP: request bodies Mux's strict JSON parser would refuse get a Mux-shaped 400 — never a
plain-text 500 with a traceback — and nothing is stored, so every later answer stays well (before the fix a
``NaN`` start time was stored and every GET and list of assets answered 500 for good)."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import Emu
from tests.support.reliability_counts import record


def _clip_body(source: str, start: str, end: str = "5") -> bytes:
    return (f'{{"inputs": [{{"url": "mux://assets/{source}", "start_time": {start}, "end_time": {end}}}], '
            '"playback_policies": ["public"]}').encode()


BODIES = {
    "NaN start": lambda s: _clip_body(s, "NaN"),
    "Infinity end": lambda s: _clip_body(s, "1", "Infinity"),
    "-Infinity start": lambda s: _clip_body(s, "-Infinity"),
    "1e400 (a double overflows)": lambda s: _clip_body(s, "1e400"),
    "5,000-digit start": lambda s: _clip_body(s, "1" * 5000),
    "30-digit start": lambda s: _clip_body(s, "1" * 30),
    "100,000-deep JSON": lambda s: b"[" * 100_000 + b"]" * 100_000,
    "100,000-deep JSON inside a field": lambda s: (b'{"inputs": [{"url": "mux://assets/' + s.encode() + b'"}], '
                                                   b'"meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "lone surrogate in the title": lambda s: (b'{"inputs": [{"url": "mux://assets/' + s.encode() + b'"}], '
                                              b'"meta": {"title": "\\ud800"}}'),
    "not UTF-8": lambda s: b'{"passthrough": "\xff\xfe"}',
    "a number, not an object": lambda s: b"12",
    "truncated": lambda s: _clip_body(s, "1")[:-3],
}


@pytest.mark.parametrize("name", list(BODIES))
def test_bad_bodies_get_mux_shaped_400s_and_nothing_is_stored(name: str, emu: Emu) -> None:
    record("bad inputs (emulator request bodies)")
    [source] = emu.seed({"duration": 60.0})
    before = emu.api.get("/video/v1/assets").json()["data"]
    response = emu.api.post("/video/v1/assets", content=BODIES[name](source),
                            headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["type"] == "invalid_parameters" and body["error"]["messages"], body
    assert "Traceback" not in response.text and len(response.text) < 2_000
    listed = emu.api.get("/video/v1/assets")
    assert listed.status_code == 200 and listed.json()["data"] == before  # nothing stored, and lists still work
    assert emu.api.get(f"/video/v1/assets/{source}").status_code == 200


def test_patch_and_live_stream_bodies_too(emu: Emu) -> None:
    [source] = emu.seed({"duration": 60.0})
    for method, path, body in (("PATCH", f"/video/v1/assets/{source}", b'{"passthrough": NaN}'),
                               ("POST", "/video/v1/live-streams", b'{"reconnect_window": Infinity}'),
                               ("POST", f"/video/v1/assets/{source}/playback-ids", b"[" * 50_000)):
        response = emu.api.request(method, path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_parameters", body[:40]


@pytest.mark.parametrize("value", ["٣", "9" * 5000, "1e3", "1_000", " 5"])
def test_query_numbers_are_ascii_whole_numbers(value: str, emu: Emu) -> None:
    response = emu.api.get("/video/v1/assets", params={"limit": value})
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_parameters"


def test_a_rate_limited_bad_body_gets_muxs_429_shape_without_retry_after(emu: Emu) -> None:
    emu.ctl("PUT", "config", {"rate_limits": {"post_per_second": 0.001, "post_burst": 1}})
    [source] = emu.seed({"duration": 60.0})
    emu.api.post("/video/v1/assets", content=b"[]", headers={"content-type": "application/json"})
    response = emu.api.post("/video/v1/assets", content=_clip_body(source, "NaN"),
                            headers={"content-type": "application/json"})
    assert response.status_code == 429, response.text
    assert response.json() == {"errors": ["Too many requests, retry later."]}
    assert "retry-after" not in response.headers
