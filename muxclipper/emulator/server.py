"""The emulator on a real socket, in a thread of its own: for GUI tests, the demo and the CLI."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType

import uvicorn

from muxclipper.emulator.app import create_app
from muxclipper.emulator.config import EmulatorConfig
from muxclipper.emulator.runtime import Runtime


class EmulatorServer:
    """``start()`` binds (port 0 picks a free one), ``url`` is the origin, ``stop()`` shuts down.

    The origin serves all three Mux hosts: the API at ``/``, the stream host under ``/stream`` and the
    image host under ``/image`` (see docs/emulator.md).
    """

    def __init__(self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or EmulatorConfig()
        if self.config.demo_content and self.config.media:
            # The demo's sources are made with ffmpeg at once: without one, say so now (what to install) rather than
            # leave the window waiting for sources that never come. The Debian package leaves ffmpeg to the system.
            from muxclipper.emulator.media.ffmpeg import ffmpeg_exe

            ffmpeg_exe()
        self.host = host
        self.port = port
        self.runtime = Runtime.from_config(self.config)
        self.app = create_app(runtime=self.runtime)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the emulator is not started")
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def stream_url(self) -> str:
        return f"{self.url}/stream"

    @property
    def image_url(self) -> str:
        return f"{self.url}/image"

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        # Bind here, not in uvicorn, so the port is known before the thread runs and a busy port
        # fails in the caller's thread with a plain OSError.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # uvicorn writes headers and body separately; without NODELAY (inherited by accepted
        # sockets) Nagle and delayed ACKs add ~40 ms to every loopback response.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.setblocking(False)
        self._socket = sock
        # log_config=None: uvicorn's own logging config writes to sys.stderr, which a windowed app (the frozen
        # Windows build, pythonw) does not have: it fails with "Unable to configure formatter 'default'". Its
        # loggers then go wherever the host's logging does (the app's log file, the emulator CLI's stderr).
        config = uvicorn.Config(self.app, http="h11", lifespan="off", log_level="warning", log_config=None,
                                access_log=False, timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        ready = threading.Event()

        def run() -> None:
            assert self._server is not None
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            task = loop.create_task(self._server.serve(sockets=[sock]))
            ready.set()
            loop.run_until_complete(task)
            loop.close()

        self._thread = threading.Thread(target=run, name="mux-emulator", daemon=True)
        self._thread.start()
        ready.wait(timeout)
        deadline = time.monotonic() + timeout
        while not self._server.started:  # uvicorn has no event for "listening"; it sets a flag
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError("the emulator did not start in time")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.runtime.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
