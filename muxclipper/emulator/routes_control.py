"""Test-control routes under ``/_emulator/`` (never under ``/video/``); documented in docs/emulator.md."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from muxclipper.emulator.config import RateLimits
from muxclipper.emulator.errors import invalid
from muxclipper.emulator.faults import Fault
from muxclipper.emulator.media.overlay import solid_png
from muxclipper.emulator.routes_api import data, json_body
from muxclipper.emulator.runtime import Runtime

SEED_FIELDS = {"duration", "status", "frame_rate", "width", "height", "passthrough", "title", "policies",
               "live_stream_id", "created_at", "text_tracks", "processing_seconds", "audio_only"}
MAX_SEED = 100_000


def _number(body: dict[str, Any], key: str, default: float | None = None) -> float | None:
    value = body.get(key, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise invalid(f"{key} must be a number.")
    return None if value is None else float(value)


def _rate_limits(value: Any) -> RateLimits | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("rate_limits must be null (off) or an object.")
    try:
        return RateLimits(**value)
    except TypeError as exc:
        raise invalid(f"rate_limits: {exc}") from exc


def control_routes(rt: Runtime) -> list[Route]:
    state = rt.state

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def reset(request: Request) -> Response:
        state.reset()
        state.clock.freeze(False)  # a test that froze the clock leaves the next one a running clock
        rt.faults.clear()
        rt.log.clear()
        return data({"reset": True})

    async def seed(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise invalid("seed takes an object: {\"assets\": [...], \"count\": N}.")
        items = body.get("assets", [])
        count = body.get("count", 0)
        if not isinstance(items, list) or not isinstance(count, int) or not 0 <= count <= MAX_SEED:
            raise invalid(f"assets must be a list and count a whole number up to {MAX_SEED}.")
        for item in items:
            if not isinstance(item, dict) or set(item) - SEED_FIELDS:
                raise invalid(f"each seeded asset takes only {', '.join(sorted(SEED_FIELDS))}.")
        template = body.get("template", {})
        if not isinstance(template, dict) or set(template) - SEED_FIELDS:
            raise invalid("template takes the same fields as a seeded asset.")
        docs = state.seed_assets([*items, *([template] * count)])
        return data({"assets": [d["id"] for d in docs]}, 201)

    async def asset_action(request: Request) -> Response:
        asset_id = request.path_params["asset_id"]
        action = request.path_params["action"]
        if action == "hold":
            return data(state.hold(asset_id))
        if action == "release":
            return data(state.release(asset_id))
        if action == "finish":
            return data(state.finish(asset_id))
        if action == "error":
            body = await json_body(request, optional=True)
            messages = body.get("messages", ["The input file could not be processed."])
            if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
                raise invalid("messages must be a list of strings.")
            return data(state.fail(asset_id, str(body.get("type", "invalid_input")), messages))
        raise invalid("action must be hold, release, finish or error.")

    async def start_live(request: Request) -> Response:
        body = await json_body(request, optional=True)
        source = body.get("source_asset_id")
        if source is not None and not isinstance(source, str):
            raise invalid("source_asset_id must be an asset id.")
        return data(state.start_live_stream(request.path_params["stream_id"], _number(body, "length"), source),
                    201)

    async def loop_live(request: Request) -> Response:
        body = await json_body(request)
        source = body.get("source_asset_id")
        if not isinstance(source, str):
            raise invalid("source_asset_id must be the id of a ready asset with media.")
        state.set_loop(request.path_params["stream_id"], source)
        return data({"looping": source})

    async def disconnect_encoder(request: Request) -> Response:
        return data(state.disconnect_encoder(request.path_params["stream_id"]))

    async def reconnect_encoder(request: Request) -> Response:
        return data(state.reconnect_encoder(request.path_params["stream_id"]))

    async def advance_clock(request: Request) -> Response:
        body = await json_body(request)
        seconds = _number(body, "seconds")
        if seconds is None or seconds < 0:
            raise invalid("seconds must be a number of at least 0.")
        state.clock.advance(seconds)
        return data({"now": state.clock.now()})

    async def freeze_clock(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body.get("frozen"), bool):
            raise invalid("frozen must be true or false.")
        state.clock.freeze(body["frozen"])
        return data({"now": state.clock.now(), "frozen": state.clock.frozen})

    async def list_faults(request: Request) -> Response:
        return data(rt.faults.pending())

    async def arm_fault(request: Request) -> Response:
        body = await json_body(request)
        faults = [Fault.from_json(f) for f in (body if isinstance(body, list) else [body])]
        for fault in faults:
            rt.faults.arm(fault)
        return data(rt.faults.pending(), 201)

    async def clear_faults(request: Request) -> Response:
        rt.faults.clear()
        return Response(status_code=204)

    async def requests_log(request: Request) -> Response:
        entries = rt.log.entries(request.query_params.get("method"), request.query_params.get("path_prefix"))
        return data([e.to_json() for e in entries])

    async def clear_requests(request: Request) -> Response:
        rt.log.clear()
        return Response(status_code=204)

    def config_doc() -> dict[str, Any]:
        limits = rt.limiter.limits
        return {"rate_limits": None if limits is None else vars(limits),
                "processing_seconds": state.processing_seconds}

    async def get_config(request: Request) -> Response:
        return data(config_doc())

    async def put_config(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise invalid("config takes an object.")
        if "rate_limits" in body:
            rt.set_rate_limits(_rate_limits(body["rate_limits"]))
        if "processing_seconds" in body:
            seconds = _number(body, "processing_seconds")
            if seconds is None or seconds < 0:
                raise invalid("processing_seconds must be a number of at least 0.")
            state.processing_seconds = seconds
        return data(config_doc())

    async def watermark_image(request: Request) -> Response:
        """A solid-colour PNG to use as a watermark: ``?color=RRGGBB[AA]&width=W&height=H`` (defaults: opaque red,
        160x90)."""
        params = request.query_params
        color = params.get("color", "ff0000")
        try:
            width, height = int(params.get("width", "160")), int(params.get("height", "90"))
            channels = [int(color[i:i + 2], 16) for i in range(0, len(color), 2)]
        except ValueError:
            raise invalid("color is RRGGBB or RRGGBBAA in hexadecimal; width and height are whole numbers.") from None
        if len(color) not in (6, 8) or not (1 <= width <= 4096 and 1 <= height <= 4096):
            raise invalid("color is RRGGBB or RRGGBBAA in hexadecimal; width and height are 1 to 4096.")
        r, g, b, *rest = channels
        png = solid_png(width, height, (r, g, b, rest[0] if rest else 255))
        return Response(png, media_type="image/png")

    base = "/_emulator"
    return [
        Route(f"{base}/images/watermark.png", watermark_image, methods=["GET"]),
        Route(f"{base}/health", health, methods=["GET"]),
        Route(f"{base}/reset", reset, methods=["POST"]),
        Route(f"{base}/seed", seed, methods=["POST"]),
        Route(f"{base}/assets/{{asset_id}}/{{action}}", asset_action, methods=["POST"]),
        Route(f"{base}/live-streams/{{stream_id}}/start", start_live, methods=["POST"]),
        Route(f"{base}/live-streams/{{stream_id}}/loop", loop_live, methods=["POST"]),
        Route(f"{base}/live-streams/{{stream_id}}/disconnect", disconnect_encoder, methods=["POST"]),
        Route(f"{base}/live-streams/{{stream_id}}/reconnect", reconnect_encoder, methods=["POST"]),
        Route(f"{base}/clock/advance", advance_clock, methods=["POST"]),
        Route(f"{base}/clock/freeze", freeze_clock, methods=["POST"]),
        Route(f"{base}/faults", list_faults, methods=["GET"]),
        Route(f"{base}/faults", arm_fault, methods=["POST"]),
        Route(f"{base}/faults", clear_faults, methods=["DELETE"]),
        Route(f"{base}/requests", requests_log, methods=["GET"]),
        Route(f"{base}/requests", clear_requests, methods=["DELETE"]),
        Route(f"{base}/config", get_config, methods=["GET"]),
        Route(f"{base}/config", put_config, methods=["PUT"]),
    ]
