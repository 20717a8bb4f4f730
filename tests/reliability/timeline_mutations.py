"""Seeded mutations of real timelines for the timeline fuzzing suite (tests/reliability/test_fuzz_timelines.py).

Each case is a sound file of one format (muxclipper's own export, or a suite's fixture in tests/data/interchange)
with one to three mutations an adversary or a bad copy makes: numbers replaced (NaN, infinities, 1e400, 0, negative,
30 digits), lines dropped, doubled or swapped, text cut short, control and direction characters and NUL inserted,
values nested deep, OTIO schema versions changed (``Clip.1`` crashed OpenTimelineIO), XML rates and attributes
broken, EDL timecodes out of range.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable

NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "0", "-1", "0.0", "-0", "1e-320",
           "123456789012345678901234567890", "", "abc", "2147483648", "-2147483649", "1.5", "30000/0", "0/0"]
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|(?<=\D)\d+/\d+(?=s)")
TRICKY = ["\x1b[31m", "\u202e", "\x00", "\x07", "\ufeff", "\u2028", "<", ">", "&", "\"", "{", "}", "[", "]", ",",
          ":", "\n", "\r", "\t", "\\", "\\u0000", "\ud800"]
SCHEMAS = ["Clip.1", "Clip.3", "Clip.0", "Track.0", "Track.9", "Timeline.0", "Stack.0", "Gap.0", "Unknown.1",
           "ExternalReference.0", "Transition.0", "SerializableCollection.1", "Clip", ".1", "Clip.x", "Marker.1"]


@functools.lru_cache(maxsize=32)
def _numbers(text: str) -> tuple[tuple[int, int], ...]:
    """Where the numbers of ``text`` are: most cases start from one of a few base files, scanned once each."""
    return tuple(match.span() for match in _NUMBER.finditer(text))


def _replace_number(text: str, rng: random.Random) -> str:
    found = _numbers(text)
    if not found:
        return text
    start, end = rng.choice(found)
    return text[:start] + rng.choice(NUMBERS) + text[end:]


def _lines(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i, j = sorted(rng.sample(range(len(lines)), 2))
    how = rng.randrange(3)
    if how == 0:
        del lines[i:j]
    elif how == 1:
        lines[i:i] = lines[i:j]
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def _cut(text: str, rng: random.Random) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _insert(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(TRICKY) * rng.choice([1, 1, 2, 50]) + text[at:]


def _deep(text: str, rng: random.Random) -> str:
    depth = rng.choice([2, 30, 150, 250, 3000])
    at = rng.randrange(len(text) + 1)
    if text.lstrip().startswith("{"):
        # In place of a value: after a ':' where there is one.
        colon = text.find(":", at)
        if colon < 0:
            return text
        end = re.search(r"[,}\]]", text[colon:])
        stop = colon + (end.start() if end else 1)
        return text[:colon + 1] + " " + "[" * depth + "1" + "]" * depth + text[stop:]
    return text[:at] + "<a>" * depth + "</a>" * depth + text[at:]


def _schema(text: str, rng: random.Random) -> str:
    found = list(re.finditer(r'"OTIO_SCHEMA": "([^"]*)"', text))
    if not found:
        return text
    match = rng.choice(found)
    return text[:match.start(1)] + rng.choice(SCHEMAS) + text[match.end(1):]


def _xml_attribute(text: str, rng: random.Random) -> str:
    found = list(re.finditer(r'(\w+)="([^"]*)"', text)) + list(re.finditer(r"<(timebase|ntsc|duration|in|out|"
                                                                            r"start|end)>([^<]*)<", text))
    if not found:
        return text
    match = rng.choice(found)
    return text[:match.start(2)] + rng.choice(NUMBERS + ["TRUE", "FALSE", "1001/30000s", "0s", "-5s"]) + \
        text[match.end(2):]


def _timecode(text: str, rng: random.Random) -> str:
    found = list(re.finditer(r"\d\d[:;]\d\d[:;]\d\d[:;]\d\d", text))
    if not found:
        return text
    match = rng.choice(found)
    return text[:match.start()] + rng.choice(["99:99:99:99", "00:00:00:99", "-1:00:00:00", "00:00:00;00",
                                              "23:59:59:29", "00:00", "0"]) + text[match.end():]


GENERAL: list[Callable[[str, random.Random], str]] = [_replace_number, _replace_number, _lines, _cut, _insert]
BY_ADAPTER: dict[str, list[Callable[[str, random.Random], str]]] = {
    "cmx_3600": [_timecode, _timecode],
    "fcp_xml": [_xml_attribute, _xml_attribute, _deep],
    "fcpx_xml": [_xml_attribute, _xml_attribute, _deep],
    "otio_json": [_schema, _schema, _deep],
}


def mutate(text: str, adapter: str, rng: random.Random) -> str:
    """``text`` with one to three mutations drawn from ``rng``."""
    choices = GENERAL + BY_ADAPTER[adapter]
    for _ in range(rng.choice([1, 1, 2, 3])):
        text = rng.choice(choices)(text, rng)
    return text
