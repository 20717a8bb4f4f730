"""Fuzzing: the emulator's request validation (``parse_json_body`` and the ``parse_*`` checks behind every
route) answers a spec or a MuxApiError (a Mux-shaped 400) — never another exception — and a spec it accepts
can always be stored and sent back (strict JSON, UTF-8): the NaN that once made every later answer a 500
cannot get in. Called directly, not over HTTP, so that 10,000 cases take seconds."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muxclipper.emulator import validation as v
from muxclipper.emulator.errors import MuxApiError
from tests.reliability.fuzzing import FUZZ, FUZZ_TIMEOUT_S, JSON_VALUES, TRICKY, mutated
from tests.support.reliability_counts import record

CLIP = {"inputs": [{"url": "mux://assets/SourceAsset01234", "start_time": 10.0, "end_time": 20.5}],
        "playback_policies": ["public", "signed"], "video_quality": "plus", "passthrough": "mcj:abc",
        "meta": {"title": "Keynote"}, "static_renditions": [{"resolution": "highest"}]}
UPLOAD = {"input": "https://example.com/v.mp4", "mp4_support": "standard", "encoding_tier": "smart",
          "normalize_audio": True, "test": False, "inputs": [{"url": "https://example.com/v.mp4"},
                                                             {"url": "https://x/s.vtt", "type": "text",
                                                              "text_type": "subtitles", "language_code": "en"}]}
LIVE = {"playback_policies": "public", "new_asset_settings": {"playback_policies": ["public"]},
        "latency_mode": "low", "reconnect_window": 30, "meta": {"title": "Launch"}}


def _as_json(value: Any) -> bytes:
    """Any value as JSON text the way a careless client writes it: NaN and Infinity included, and lone
    surrogates escaped."""
    return json.dumps(value, allow_nan=True).encode()


BODIES = st.one_of(
    mutated(CLIP).map(_as_json), mutated(CLIP).map(_as_json), mutated(UPLOAD).map(_as_json),
    mutated(LIVE).map(_as_json), JSON_VALUES.map(_as_json),
    st.binary(max_size=80),
    st.text(TRICKY + "{}[]\"NaInfity-eE+", max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 3000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.integers(20, 6000).map(lambda digits: b'{"inputs":[{"url":"mux://assets/a","start_time":' + b"1" * digits
                              + b',"end_time":5}]}'),
)
PARSERS = (v.parse_create_asset, v.parse_update_asset, v.parse_create_live_stream, v.parse_playback_policy)


def _storable(spec: Any) -> None:
    """What the emulator stores and answers with: strict JSON, encodable as UTF-8."""
    doc = dataclasses.asdict(spec) if dataclasses.is_dataclass(spec) else spec
    json.dumps(doc, allow_nan=False, ensure_ascii=False).encode("utf-8")


@pytest.mark.slow  # thousands of cases: the whole suite runs them, the quick loop (-m "not slow") not
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
@FUZZ
@given(BODIES)
def test_request_bodies_are_parsed_or_refused_with_a_mux_400(raw: bytes) -> None:
    record("fuzz cases: emulator request validation")
    try:
        body = v.parse_json_body(raw)
    except MuxApiError as exc:
        assert exc.status == 400 and exc.type == "invalid_parameters" and exc.messages
        return
    for parse in PARSERS:
        try:
            spec = parse(body)
        except MuxApiError as exc:
            assert exc.status == 400 and exc.messages
            continue
        _storable(spec)
        main = getattr(spec, "main", None)
        for seconds in (getattr(main, "start_time", None), getattr(main, "end_time", None)):
            assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= v.MAX_SECONDS)
