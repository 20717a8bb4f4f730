"""The one path from async work to the UI: run a coroutine on the qasync loop, report on signals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from muxclipper.mux.errors import MuxError
from muxclipper.services.errors import EXPECTED_ERRORS

log = logging.getLogger(__name__)
T = TypeVar("T")


class Bridge(QObject):
    """Signals:
        failed(str): a task failed; the message says what to do next (the traceback goes to the log).
        busy_changed(bool): whether any task is running.
    """

    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    def run(self, coro: Coroutine[Any, Any, T], on_success: Callable[[T], None] | None = None,
            what: str = "") -> asyncio.Task[T]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        self.busy_changed.emit(True)

        def done(finished: asyncio.Task[T]) -> None:
            self._tasks.discard(finished)
            if not self._tasks:
                self.busy_changed.emit(False)
            if finished.cancelled():
                return
            error = finished.exception()
            if error is None:
                if on_success is not None:
                    on_success(finished.result())
                return
            if isinstance(error, MuxError):
                message = error.user_message
            elif isinstance(error, EXPECTED_ERRORS):
                message = str(error)
            else:
                log.error("unexpected failure%s", f" ({what})" if what else "", exc_info=error)
                message = "Something went wrong; details are in the log file."
            self.failed.emit(f"{what}: {message}" if what else message)

        task.add_done_callback(done)
        return task

    def run_in_thread(self, work: Callable[[], T], on_success: Callable[[T], None] | None = None, what: str = "",
                      executor: Executor | None = None) -> asyncio.Task[T]:
        """Blocking work (reading or writing a file, parsing it) off the UI thread, in ``executor`` (the loop's
        default: None); its result and failure are reported as :meth:`run` reports them."""
        async def off_the_ui_thread() -> T:
            return await asyncio.get_running_loop().run_in_executor(executor, work)

        return self.run(off_the_ui_thread(), on_success, what)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def cancel_and_wait(self) -> None:
        """Cancel what is in flight and wait until each task has unwound (a request cut off closes its connection
        on the way out): the session's HTTP client may close after this, with no socket left open behind it."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)  # bounded: a close never hangs on a task that will not unwind
        await asyncio.sleep(0)  # the transports' own closing runs on the loop's next turn
