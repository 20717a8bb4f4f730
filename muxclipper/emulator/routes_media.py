"""The stream host (``/stream/…``, as stream.mux.com) and the image host (``/image/…``, as image.mux.com).

Playlists are rendered per request from the asset's manifest: VOD for ready assets, EVENT for a
recording that is still growing, a sliding window at the live edge for a live stream's own playback
id, and instant clips (``asset_start_time``/``asset_end_time``, segment accurate) for any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from muxclipper.emulator.errors import MuxApiError, invalid, not_found
from muxclipper.emulator.media import hls, images, webvtt
from muxclipper.emulator.media.store import Manifest
from muxclipper.emulator.playback_auth import check_access
from muxclipper.emulator.records import AssetRecord
from muxclipper.emulator.runtime import Runtime
from muxclipper.emulator.state.core import LIVE_STREAM

M3U8 = "application/vnd.apple.mpegurl"
CLIP_PARAMS = ("asset_start_time", "asset_end_time", "program_start_time", "program_end_time")
LEGACY_MP4 = {"capped-1080p.mp4", "low.mp4", "medium.mp4", "high.mp4"}


@dataclass(frozen=True)
class Target:
    playback_id: str
    record: AssetRecord
    manifest: Manifest
    directory: Path
    mode: str                 # vod, event (recording still growing) or live (the live edge)
    available: float          # seconds of media that may be served
    start: float | None       # instant-clip range, seconds from the asset's start
    end: float | None
    child_query: str          # what every URL inside a playlist must carry along


def _float(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise invalid(f"{name} must be a number of seconds.") from exc


def _int(value: Any, name: str) -> int | None:
    number = _float(value, name)
    return None if number is None else int(number)


def resolve(rt: Runtime, request: Request, playback_id: str, audience: str) -> tuple[Target, dict[str, Any]]:
    """Check access and find the media behind ``playback_id``; merged URL/claim parameters too."""
    state, media = rt.state, rt.media
    found = state.playback_target(playback_id)
    if found is None or media is None:
        raise not_found()
    kind, owner_id, policy = found
    token = request.query_params.get("token")
    claims = check_access(state, playback_id, policy, token, audience)
    params: dict[str, Any] = dict(request.query_params)
    params.pop("token", None)
    if policy == "signed":
        if any(p in params for p in (*CLIP_PARAMS, "time", "width", "height", "start", "end")):
            raise MuxApiError(403, "With a signed playback id, put these parameters in the token's claims.",
                              "forbidden")
        params.update({k: v for k, v in claims.items() if k not in ("sub", "aud", "exp", "kid")})
    if kind == LIVE_STREAM:
        stream = state.get_live_stream(owner_id)
        active = stream.get("active_asset_id")
        if stream["status"] != "active" or not active:
            raise MuxApiError(412, "The live stream is not active.", "precondition_failed")
        record, mode = state.asset_record(active), "live"
    else:
        record = state.asset_record(owner_id)
        if record.is_recording:
            mode = "event"
        elif record.status == "ready":
            mode = "vod"
        elif record.status == "preparing":
            raise MuxApiError(412, "The asset is not ready yet.", "precondition_failed")
        else:
            raise not_found()
    manifest = media.manifest(record.media_name) if record.media_name else None
    if manifest is None or record.media_name is None:
        raise MuxApiError(404, "This asset has no media in the emulator (made without media).", "not_found")
    available = float(record.doc.get("duration") or 0.0) if mode != "vod" else record.media_duration
    start = _float(params.get("asset_start_time"), "asset_start_time")
    end = _float(params.get("asset_end_time"), "asset_end_time")
    if record.live_started_at is not None:
        program_start = _float(params.get("program_start_time"), "program_start_time")
        program_end = _float(params.get("program_end_time"), "program_end_time")
        if program_start is not None:
            start = _program_offset(record, program_start)
        if program_end is not None:
            end = _program_offset(record, program_end)
    if start is not None and end is not None and end <= start:
        raise invalid("The instant clip's end must be after its start.")
    keep = {k: v for k, v in request.query_params.items() if k in (*CLIP_PARAMS, "token")}
    target = Target(playback_id, record, manifest, media.asset_dir(record.media_name), mode, available,
                    start, end, urlencode(keep))
    return target, params


def _program_offset(record: AssetRecord, epoch: float) -> float:
    """Where the moment broadcast at ``epoch`` (program time, Unix seconds) is in the recording: through its
    ``recording_times`` (sessions back to back, each with its wall-clock start), else from the stream's start."""
    offset = 0.0
    sessions = record.doc.get("recording_times") or []
    for index, session in enumerate(sessions):
        try:
            started = datetime.fromisoformat(str(session["started_at"]).replace("Z", "+00:00")).timestamp()
            duration = float(session.get("duration") or 0.0)
        except (KeyError, TypeError, ValueError):
            break
        if epoch < started:  # between sessions (or before the first): the next session's start
            return offset
        if epoch <= started + duration or index == len(sessions) - 1:
            return offset + epoch - started
        offset += duration
    else:
        if sessions:
            return offset
    assert record.live_started_at is not None
    return epoch - record.live_started_at


def _segments(target: Target) -> list[int]:
    indexes = hls.select(target.manifest, start=target.start, end=target.end, available=target.available)
    # An instant clip of a live stream lists its whole range (the DVR window Mux keeps), not the live edge's.
    ranged = target.start is not None or target.end is not None
    return hls.live_window(indexes) if target.mode == "live" and not ranged else indexes


def _kind(target: Target) -> str:
    """The playlist's type: a live stream's instant clip is an event while its end is still to be broadcast, and
    complete (VOD, with its end) once it has been."""
    if target.mode == "live" and (target.start is not None or target.end is not None):
        return "vod" if target.end is not None and target.end <= target.available + 1e-6 else "event"
    return target.mode


def _playlist(text: str) -> Response:
    return Response(text, media_type=M3U8, headers={"cache-control": "no-cache"})


def media_routes(rt: Runtime) -> list[Route]:
    async def master(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        return _playlist(hls.master(target.manifest, target.child_query, prefix=f"{target.playback_id}/"))

    async def rendition(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        return _playlist(hls.media_playlist(target.manifest, _segments(target), "seg_{index:05d}.ts",
                                            kind=_kind(target), query=target.child_query))

    async def segment(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        index = int(request.path_params["index"])
        if index not in hls.select(target.manifest, available=target.available):
            raise not_found()
        return FileResponse(target.directory / "hls" / f"seg_{index:05d}.ts", media_type="video/mp2t")

    def _track(target: Target, track_id: str) -> Path:
        served = target.record.text_files.get(track_id, track_id)  # generated live captions name a media track
        for track in target.manifest.text_tracks:
            if track.id == served:
                return target.directory / track.file
        raise not_found()

    def _cues(target: Target, track_id: str) -> list[webvtt.Cue]:
        cues = webvtt.parse(_track(target, track_id).read_text(encoding="utf-8"))
        return _as_recognised_live(cues) if track_id in target.record.interim_tracks else cues

    async def subtitles(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        track = request.path_params["track"]
        _track(target, track)
        return _playlist(hls.media_playlist(target.manifest, _segments(target), f"{track}/{{index}}.vtt",
                                            kind=_kind(target), query=target.child_query))

    async def subtitle_segment(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        index = int(request.path_params["index"])
        bounds = target.manifest.segment_bounds()
        if index not in hls.select(target.manifest, available=target.available):
            raise not_found()
        cues = _cues(target, request.path_params["track"])
        [text] = webvtt.segment(cues, [bounds[index]], target.manifest.mpegts_start)
        return PlainTextResponse(text, media_type="text/vtt")

    async def text_track(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "v")
        cues = [c for c in _cues(target, request.path_params["track"]) if c.start < target.available]
        return PlainTextResponse(webvtt.render(cues), media_type="text/vtt")

    async def static_file(request: Request) -> Response:
        target, params = resolve(rt, request, request.path_params["playback_id"], "v")
        name = request.path_params["name"]
        if target.mode != "vod":
            raise not_found()
        files = target.record.doc.get("static_renditions", {}).get("files", [])
        ready = {f["name"] for f in files if f.get("status", "ready") == "ready"}
        if name not in ready:
            raise MuxApiError(404, f"{name} is not a ready static rendition of this asset.", "not_found")
        # Fixed sizes (720p.mp4, …) and audio.m4a are files of their own; highest.mp4 and the legacy names are
        # served from the master, as media made before sizes were rendered are.
        own = name in target.manifest.renditions
        path = target.directory / (name if own or name == "audio.m4a" else "source.mp4")
        if not path.exists():
            raise not_found()
        media_type = "audio/mp4" if name.endswith(".m4a") else "video/mp4"
        download = params.get("download")
        headers = {"content-disposition": f'attachment; filename="{download}"'} if download else None
        return FileResponse(path, media_type=media_type, headers=headers)

    def _pictured(target: Target) -> None:
        """An audio-only asset has no picture to make images of (what Mux answers is a guess: docs/emulator.md)."""
        if target.manifest.audio_only:
            raise MuxApiError(404, "This asset is audio only: it has no picture, so no thumbnails, storyboards or "
                                   "animated images.", "not_found")

    async def thumbnail(request: Request) -> Response:
        target, params = resolve(rt, request, request.path_params["playback_id"], "t")
        _pictured(target)
        fmt = request.path_params["fmt"]
        assert rt.media is not None
        try:
            path = await run_in_threadpool(
                images.thumbnail, target.directory / "source.mp4", target.manifest,
                rt.media.cache_dir(target.directory.name), fmt, _float(params.get("time"), "time"),
                _int(params.get("width"), "width"), _int(params.get("height"), "height"),
                str(params.get("fit_mode", "preserve")))
        except images.ImageRequestError as exc:
            raise invalid(str(exc)) from exc
        return FileResponse(path, media_type=_image_type(fmt))

    def _board(target: Target) -> images.Storyboard:
        return images.storyboard_layout(target.manifest, target.start or 0.0,
                                        min(target.end or target.available, target.available))

    async def storyboard(request: Request) -> Response:
        target, _ = resolve(rt, request, request.path_params["playback_id"], "s")
        _pictured(target)
        fmt = request.path_params["fmt"]
        board = _board(target)
        image_url = f"{str(request.base_url).rstrip('/')}/image/{target.playback_id}/storyboard.jpg"
        if target.child_query:
            image_url += f"?{target.child_query}"
        if fmt == "vtt":
            return PlainTextResponse(board.vtt(image_url), media_type="text/vtt")
        if fmt == "json":
            return Response(board.json(image_url), media_type="application/json")
        assert rt.media is not None
        try:
            path = await run_in_threadpool(images.storyboard_image, target.directory / "source.mp4",
                                           target.manifest, rt.media.cache_dir(target.directory.name), fmt, board)
        except images.ImageRequestError as exc:
            raise invalid(str(exc)) from exc
        return FileResponse(path, media_type=_image_type(fmt))

    async def animated(request: Request) -> Response:
        target, params = resolve(rt, request, request.path_params["playback_id"], "g")
        _pictured(target)
        fmt = request.path_params["fmt"]
        start = _float(params.get("start"), "start") or 0.0
        end = _float(params.get("end"), "end")
        assert rt.media is not None
        try:
            path = await run_in_threadpool(
                images.animated, target.directory / "source.mp4", target.manifest,
                rt.media.cache_dir(target.directory.name), fmt, start, start + 5 if end is None else end,
                _int(params.get("width"), "width"), _int(params.get("height"), "height"),
                _int(params.get("fps"), "fps") or 15)
        except images.ImageRequestError as exc:
            raise invalid(str(exc)) from exc
        return FileResponse(path, media_type=_image_type(fmt))

    s, i = "/stream/{playback_id}", "/image/{playback_id}"
    return [
        Route("/stream/{playback_id}.m3u8", master, methods=["GET", "HEAD"]),
        Route(f"{s}/rendition.m3u8", rendition, methods=["GET", "HEAD"]),
        Route(f"{s}/seg_{{index:int}}.ts", segment, methods=["GET", "HEAD"]),
        Route(f"{s}/subs/{{track}}.m3u8", subtitles, methods=["GET", "HEAD"]),
        Route(f"{s}/subs/{{track}}/{{index:int}}.vtt", subtitle_segment, methods=["GET", "HEAD"]),
        Route(f"{s}/text/{{track}}.vtt", text_track, methods=["GET", "HEAD"]),
        Route(f"{s}/{{name}}", static_file, methods=["GET", "HEAD"]),
        Route(f"{i}/thumbnail.{{fmt}}", thumbnail, methods=["GET", "HEAD"]),
        Route(f"{i}/storyboard.{{fmt}}", storyboard, methods=["GET", "HEAD"]),
        Route(f"{i}/animated.{{fmt}}", animated, methods=["GET", "HEAD"]),
    ]


def _as_recognised_live(cues: list[webvtt.Cue]) -> list[webvtt.Cue]:
    """Interim live captions as a recogniser writes them while it listens: lower case, no punctuation (the final
    track, made after the event, has the text as written)."""
    return [replace(c, text=re.sub(r"[^\w\s]", "", c.text).lower()) for c in cues]


def _image_type(fmt: str) -> str:
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}[fmt]
