"""Files the window reads and writes — segments imported and exported, the clips exported, the clip presets — are
read and written off the UI thread: a file that is slow to come (a network share, a sleeping disk; here a named pipe
whose other end answers only when the test lets it, a disk read held until the test lets it go, or the presets
file's lock held by another process) leaves the window responsive, and the outcome is shown as before. A named pipe
given where a file is read is refused at once (services/outside_files.py), never waited on.

With the reading or writing on the UI thread, each call below would return only once the pipe's other end had given
up waiting for the test (``patience``), and the test fails on that rather than hanging."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from muxclipper.core.models import ClipOptions
from muxclipper.core.segments import Segment
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services import cut_lists, settings_files
from muxclipper.services.clip_presets import PresetStore, presets_file
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run
from tests.support.waiting import finished, until


class SlowFile:
    """A named pipe at ``path`` whose other end, in a thread, writes ``text`` into it (or, with no text, reads what
    is written) only once :meth:`let_go` — or after ``patience`` seconds, if the test never could (the UI thread
    was stuck on the file)."""

    def __init__(self, path: Path, text: str | None = None, patience: float = 5) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        self.path, self.text, self.patience = path, text, patience
        self._go = threading.Event()
        self.done = threading.Event()
        self.let_go_by_test = False
        self.received = ""
        threading.Thread(target=self._other_end, daemon=True).start()

    def let_go(self) -> None:
        self._go.set()

    def _other_end(self) -> None:
        self.let_go_by_test = self._go.wait(self.patience)
        if self.text is not None:
            with self.path.open("w", encoding="utf-8") as pipe:
                pipe.write(self.text)
        else:
            with self.path.open(encoding="utf-8") as pipe:
                self.received = pipe.read()
        self.done.set()


class HeldLock:
    """Another process holding a settings file's lock (as a muxclipper saving it would) until :meth:`let_go`."""

    def __init__(self, path: Path) -> None:
        real = settings_files.target(path)
        lock = real.with_name(f".{real.name}.lock")
        code = ("import sys; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
                "print('held', flush=True); sys.stdin.readline()")
        self.process = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline() == "held\n"
        self.done = threading.Event()
        self.let_go_by_test = False

    def let_go(self) -> None:
        self.let_go_by_test = True
        assert self.process.stdin is not None
        self.process.communicate("\n", timeout=10)  # closes its pipes too
        self.done.set()


class SlowDisk:
    """Reads of cut lists held until :meth:`let_go` (or ``patience`` seconds), as a sleeping disk holds them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, patience: float = 5) -> None:
        self._go = threading.Event()
        self.done = threading.Event()
        self.let_go_by_test = False
        real = cut_lists.read_limited

        def slow(path: Path, max_bytes: int) -> bytes:
            self.let_go_by_test = self._go.wait(patience)
            try:
                return real(path, max_bytes)
            finally:
                self.done.set()

        monkeypatch.setattr(cut_lists, "read_limited", slow)

    def let_go(self) -> None:
        self._go.set()


def test_slow_files_leave_the_window_responsive_and_their_outcome_is_shown(qapp: QApplication, emu: Emu,
                                                                         tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
    kept = PresetStore(presets_file())
    kept.save(environment.key, "Replay", ClipOptions(video_quality="premium"))
    presets = HeldLock(presets_file())

    async def scenario() -> None:
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)  # connects: the environment's own preset is read for the clip options
            assert not presets.done.is_set()  # the window did not wait for the presets file
            ticks = [0]
            timer = QTimer()
            timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
            timer.start(10)

            async def responsive() -> None:
                before = ticks[0]
                await until(lambda: ticks[0] >= before + 5, 3, "the window's timer ticking while the file waits")

            await responsive()
            presets.let_go()
            await until(lambda: window.clip_options.quality_box.currentData() == "premium", 5, "the own preset")
            assert presets.let_go_by_test

            segments = window.segments
            segments.set_source(60_000, window.editor.player.rate, "Talk", "mux://assets/talk")
            # A named pipe is not waited on: refused at once, naming it.
            pipe = tmp_path / "pipe.csv"
            os.mkfifo(pipe)
            await finished(segments.import_from(pipe))
            assert window.status.text().startswith("Could not read pipe.csv: it is a pipe (FIFO), not a file.")

            incoming = tmp_path / "cuts.csv"
            incoming.write_text("label,start,end\nIntro,00:00:01.000,00:00:04.000\n")
            disk = SlowDisk(monkeypatch)
            task = segments.import_from(incoming)
            assert not disk.done.is_set()
            await responsive()
            disk.let_go()
            await finished(task)
            assert disk.let_go_by_test
            assert segments.segments() == [Segment("Intro", 1_000, 4_000)]
            assert window.status.text() == "Imported 1 segment from cuts.csv."

            # A list that arrives after another source was opened is not put on it.
            late = tmp_path / "late.csv"
            late.write_text("label,start,end\nLate,00:00:05.000,00:00:06.000\n")
            disk = SlowDisk(monkeypatch)
            task = segments.import_from(late)
            segments.set_source(60_000, window.editor.player.rate, "Other", "mux://assets/other")
            disk.let_go()
            await finished(task)
            assert segments.segments() == [Segment("Intro", 1_000, 4_000)]
            assert window.status.text().startswith("Not imported: another source was opened meanwhile.")

            outgoing = SlowFile(tmp_path / "out.csv")
            task = segments.export_to(outgoing.path)
            assert not outgoing.done.is_set()
            await responsive()
            outgoing.let_go()
            await finished(task)
            # The pipe's other end has what was written once it has read to the end (just after the file closed).
            await until(outgoing.done.is_set, 5, "the segments read at the pipe's other end")
            assert outgoing.let_go_by_test and "Intro" in outgoing.received
            assert window.status.text() == f"Exported 1 segment to {outgoing.path}."

            clips = SlowFile(tmp_path / "clips.csv")
            task = window.clips.export_clips(clips.path)
            assert not clips.done.is_set()
            await responsive()
            clips.let_go()
            await finished(task)
            await until(clips.done.is_set, 5, "the clips read at the pipe's other end")
            assert clips.let_go_by_test and clips.received.startswith("id")
            assert window.status.text() == f"Exported 0 clips to {clips.path}."
            # A timeline export's refusal is said as before.
            await finished(window.clips.export_clips(tmp_path / "clips.otio"))
            assert window.status.text().startswith("No clip is ready to export as a timeline")
            timer.stop()
            await window.aclose()

    run(qapp, scenario)
