"""Validate JSON bodies against Mux's own OpenAPI description (tests/data/mux-openapi.json).

The spec is OpenAPI 3.1 but still marks nullable fields the 3.0 way (``nullable: true``); those are
rewritten to JSON Schema's ``type: [T, "null"]``. In strict mode every object schema also refuses
properties the spec does not declare, so the emulator cannot invent fields a generated client would
not know.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_PATH = Path(__file__).parent / "data" / "mux-openapi.json"


def _rewrite(node: Any, strict: bool) -> Any:
    if isinstance(node, dict):
        node = {k: _rewrite(v, strict) for k, v in node.items()}
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        if strict and node.get("type") == "object" and "properties" in node \
                and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_rewrite(v, strict) for v in node]
    return node


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text()))


@lru_cache(maxsize=2)
def _root(strict: bool) -> dict[str, Any]:
    spec = load_spec()
    return {"components": _rewrite(copy.deepcopy(spec["components"]), strict)}


@lru_cache(maxsize=1)
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for template in load_spec()["paths"]:
        regex = re.sub(r"\\\{[A-Z_]+\\\}", "[^/]+", re.escape(template))
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal segments win over parameters (…/playback-ids/{id} vs …/{ASSET_ID}).
    patterns.sort(key=lambda p: p[1].count("{"))
    return patterns


def spec_template(path: str) -> str | None:
    for pattern, template in _path_patterns():
        if pattern.match(path):
            return template
    return None


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The schema the spec gives for this answer; Mux's error shapes for undeclared errors."""
    if status == 429:
        return {"$ref": "#/components/schemas/RateLimitedResponse"}
    template = spec_template(path)
    if template is None:
        return None
    operation = load_spec()["paths"][template].get(method.lower())
    if operation is None:
        return None
    declared = operation.get("responses", {}).get(str(status))
    if declared is None:
        if status >= 400:
            return {"$ref": "#/components/schemas/UnauthorizedResponse"}  # the {"error": {…}} shape
        raise AssertionError(f"{method} {template} answered {status}, which the spec does not declare")
    content = declared.get("content", {}).get("application/json")
    return None if content is None else dict(content["schema"])


def validate_response(method: str, path: str, status: int, body: Any, *, strict: bool = True) -> None:
    schema = response_schema(method, path, status)
    if schema is None:
        return
    document = {**_root(strict), **schema}
    jsonschema.Draft202012Validator(document).validate(body)
