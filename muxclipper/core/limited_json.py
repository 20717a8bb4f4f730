"""JSON read from outside (settings, a history row, an ``.otio``) with limits: a depth cap checked before parsing,
and only finite numbers.

Python's ``json`` recurses once per level: 100,000 nested brackets raise RecursionError (and C readers that recurse
the same way, such as OpenTimelineIO's, crash the process). :func:`nesting_depth` counts the levels in one linear
pass without recursing, so a file too deep is refused before any parser sees it. ``NaN``, ``Infinity`` and numbers
too big for a double (``1e400``) are refused too: every time and rate muxclipper keeps is finite.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: Deeper than any settings file, history row or timeline muxclipper reads (an ``.otio`` of nested stacks is ~20).
MAX_DEPTH = 100
#: Strings (with their escapes) skipped by the depth count, so a bracket inside a label does not count.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class JsonLimitError(ValueError):
    """Text that is not JSON within the limits; the message says which limit, in words."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``text`` (outside strings), without recursing."""
    depth = deepest = 0
    # The brackets alone, then a loop over characters: a match object per bracket took about twice as long.
    for char in _NOT_BRACKET.sub("", _STRING.sub('""', text)):
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


def _constant(name: str) -> Any:
    raise JsonLimitError(f"it holds {name}, which is not a number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitError(f"it holds a number too big to use ({text[:20]})")
    return value


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """``text`` parsed as JSON, or :class:`JsonLimitError` (a ValueError) saying why not: nested deeper than
    ``max_depth``, ``NaN``/``Infinity``, a number beyond a double, or not JSON at all."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonLimitError(f"it is nested {depth:,} levels deep; muxclipper reads at most {max_depth}")
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_finite)
    except JsonLimitError:
        raise
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError, an integer of >4,300 digits
        raise JsonLimitError(f"it is not JSON ({str(exc)[:100]})") from exc
