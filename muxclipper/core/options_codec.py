""":class:`~muxclipper.core.models.ClipOptions` to and from plain JSON values, field by field from the dataclass
itself, so that a field added to the options (a watermark, static renditions) is kept by the job history and by
presets without touching either. Reading is strict about types (a damaged entry says which field is wrong) and
lenient about presence: a missing field takes its default, an unknown one (from a newer muxclipper) is ignored."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Union

from muxclipper.core.models import ClipOptions


class OptionsFormatError(ValueError):
    """A stored set of options cannot be read; the message names the field."""


def to_json(value: Any) -> Any:
    """A JSON value for ``value`` (options, or anything inside them)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    return value


def options_to_json(options: ClipOptions) -> dict[str, Any]:
    result = to_json(options)
    assert isinstance(result, dict)
    return result


def _convert(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        choices = typing.get_args(hint)
        if value is None and type(None) in choices:
            return None
        for choice in choices:
            if choice is type(None):
                continue
            try:
                return _convert(value, choice, where)
            except OptionsFormatError:
                continue
        raise OptionsFormatError(f"{where} is {value!r}, not what it should be")
    if origin is tuple:
        if not isinstance(value, list):
            raise OptionsFormatError(f"{where} is not a list")
        args = typing.get_args(hint)
        item = args[0] if args else Any
        return tuple(_convert(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if hint is Any:
        return value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_dict(hint, value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise OptionsFormatError(f"{where} is not true or false")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise OptionsFormatError(f"{where} is not a number")
        return hint(value)
    if hint is str:
        if not isinstance(value, str):
            raise OptionsFormatError(f"{where} is not text")
        return value
    raise OptionsFormatError(f"{where} has a type muxclipper cannot read ({hint!r})")


def _from_dict(cls: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise OptionsFormatError(f"{where} is not a JSON object")
    hints = typing.get_type_hints(cls)
    given = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            given[f.name] = _convert(data[f.name], hints[f.name], f"{where}.{f.name}")
    try:
        return cls(**given)
    except TypeError as exc:  # a required field missing
        raise OptionsFormatError(f"{where} lacks a field: {exc}") from None


def options_from_json(data: Any, where: str = "options") -> ClipOptions:
    """Options from what :func:`options_to_json` wrote (or an older muxclipper did); :class:`OptionsFormatError`
    names the field that cannot be read."""
    options = _from_dict(ClipOptions, data, where)
    assert isinstance(options, ClipOptions)
    return options
