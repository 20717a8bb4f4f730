"""``file://`` inputs (an emulator extension) are read only for callers on this machine, inside the folders the
emulator serves (issue 26 item 15: it ingested ``file:///etc/passwd``)."""

from __future__ import annotations

from pathlib import Path

import httpx

from muxclipper.emulator import EmulatorConfig, Token
from muxclipper.emulator.app import create_app
from muxclipper.emulator.runtime import Runtime
from tests.emulator.helpers import RW, Emu


def _create(client: httpx.Client, url: str) -> httpx.Response:
    return client.post("/video/v1/assets", json={"inputs": [{"url": url}]})


def test_file_inputs_are_off_unless_a_folder_is_served(emu: Emu) -> None:
    refused = _create(emu.api, "file:///etc/passwd")
    assert refused.status_code == 400
    assert "--serve-files DIR" in refused.json()["error"]["messages"][0]
    assert emu.api.get("/video/v1/assets").json()["data"] == []  # nothing stored


def test_only_files_inside_a_served_folder_from_a_loopback_caller(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "clip.mp4").write_bytes(b"not really a video")
    (served / "escape.mp4").symlink_to("/etc/passwd")
    runtime = Runtime.from_config(EmulatorConfig(tokens=(Token(*RW),), rate_limits=None, media=False,
                                                 file_folders=(served,)))
    app = create_app(runtime=runtime)
    try:
        local = httpx.Client(transport=_asgi(app, "127.0.0.1"),
                             base_url="http://emulator.test", auth=RW)
        assert _create(local, (served / "clip.mp4").as_uri()).status_code == 201
        for outside in ("file:///etc/passwd", (served / "escape.mp4").as_uri(),
                        f"file://{served}/../../../etc/passwd", "file://otherhost/etc/passwd"):
            refused = _create(local, outside)
            assert refused.status_code == 400, outside
        remote = httpx.Client(transport=_asgi(app, "192.168.1.20"), base_url="http://emulator.test", auth=RW)
        refused = _create(remote, (served / "clip.mp4").as_uri())
        assert refused.status_code == 400 and "own machine" in refused.json()["error"]["messages"][0]
        # http(s) inputs are as they were, from anywhere
        assert _create(remote, "https://example.com/video.mp4").status_code == 201
    finally:
        runtime.close()


def _asgi(app: object, host: str) -> httpx.BaseTransport:
    """A synchronous client over the ASGI app, as if from ``host``."""
    import asyncio

    inner = httpx.ASGITransport(app=app, client=(host, 50000))  # type: ignore[arg-type]

    class Sync(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            async def call() -> httpx.Response:
                response = await inner.handle_async_request(request)
                content = await response.aread()
                return httpx.Response(response.status_code, headers=response.headers, content=content)

            return asyncio.run(call())

    return Sync()
