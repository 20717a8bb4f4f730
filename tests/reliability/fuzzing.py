"""Shared settings and strategies of the fuzzing suite (tests/reliability/test_fuzz_*.py).

Each target gets at least FUZZ_CASES generated cases per run, random each run (a failure prints the seed
and the shrunk example to reproduce it), with no example database written anywhere.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ_CASES = 10_000

#: Each target runs 10,000 cases in 5-15 s on two idle cores; the limit leaves room for a loaded machine.
FUZZ_TIMEOUT_S = 300

FUZZ = settings(max_examples=FUZZ_CASES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

#: Characters that break parsers: digits of other scripts, separators, controls, direction marks, quotes, BOM.
#: Given to st.text as one string, so that a whole text is one cheap draw (10,000 cases stay within seconds).
TRICKY = "0123456789:;.,#f- \t\r\n\"'\\/٣१０𝟘\u202e\x1b\x00\x07\ufeff\u2028"
#: What times are made of: near misses of every accepted form come up often.
TIME_CHARS = "0123456789::;.,#f "

#: Any JSON-like value, including what strict JSON forbids (NaN, infinities, huge integers, lone surrogates).
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["", "ready", "preparing", "errored", "video", "text", "public", "signed", "1700000000",
                              "mux://assets/abc", "https://x.example/v.mp4", "\ud800"]))
KEYS = st.text(max_size=8) | st.sampled_from(["id", "status", "tracks", "type", "url", "meta", "title", "data",
                                              "inputs", "start_time", "end_time", "playback_ids", "policy"])
#: Two levels are enough: :func:`mutated` puts these at every depth of a realistic body. (st.recursive costs
#: several times more per case.)
JSON_VALUES = st.one_of(SCALARS, SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(KEYS, SCALARS, max_size=3),
                        st.lists(st.dictionaries(KEYS, SCALARS, max_size=2), max_size=2))


def mutated(base: Any) -> st.SearchStrategy[Any]:
    """``base`` (a valid body or answer) with some of its fields, at any depth, replaced by any JSON value: gets
    past the first checks into the code behind them, which wholly random values rarely reach."""
    paths: list[tuple[Any, ...]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(base, ())
    text = json.dumps(base)  # parsed afresh per case: a deep copy the replacements can change
    chosen_paths = st.lists(st.sampled_from(paths), min_size=1, max_size=2)  # built once, not per case

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        value = json.loads(text)
        for path in draw(chosen_paths):
            replacement = draw(JSON_VALUES)
            if not path:
                return replacement
            target = value
            try:
                for step in path[:-1]:
                    target = target[step]
                target[path[-1]] = replacement
            except (KeyError, IndexError, TypeError):
                continue  # an earlier replacement removed this path
        return value

    return build()
