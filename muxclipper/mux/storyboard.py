"""Storyboards from the image host: Mux's JSON, read into tiles of a sprite (no credentials sent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

from muxclipper.mux.errors import ApiConnectionError, ResponseFormatError
from muxclipper.mux.wire import seconds_to_ms


@dataclass(frozen=True)
class Tile:
    start_ms: int
    x: int
    y: int


@dataclass(frozen=True)
class Storyboard:
    sprite_url: str
    tile_width: int
    tile_height: int
    duration_ms: int
    tiles: tuple[Tile, ...]


def storyboard_from_json(data: Any) -> Storyboard:
    try:
        tiles = tuple(Tile(seconds_to_ms(t["start"]) or 0, int(t["x"]), int(t["y"])) for t in data["tiles"])
        return Storyboard(str(data["url"]), int(data["tile_width"]), int(data["tile_height"]),
                          seconds_to_ms(data.get("duration")) or 0, tiles)
    except (KeyError, TypeError, ValueError) as exc:
        raise ResponseFormatError("The storyboard is not in Mux's format.") from exc


async def fetch_storyboard(http: httpx.AsyncClient, json_url: str) -> tuple[Storyboard, bytes]:
    """The storyboard and its sprite's bytes (two plain GETs to the image host)."""
    import httpx  # the timeline imports this module for Storyboard; it should not pay for httpx

    try:
        response = await http.get(json_url)
        response.raise_for_status()
        board = storyboard_from_json(response.json())
        sprite = await http.get(board.sprite_url)
        sprite.raise_for_status()
    except httpx.HTTPError as exc:
        raise ApiConnectionError(f"The storyboard could not be loaded ({exc}); the timeline works without it.") from exc
    except ValueError as exc:
        raise ResponseFormatError("The storyboard is not in Mux's format.") from exc
    return board, sprite.content
