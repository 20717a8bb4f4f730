"""A virtual X screen of a given size with a window manager (openbox), for the real-window tests and the
walkthrough: without a window manager windows get no frame, no placement and a new dialog no keyboard focus."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

TOOLS = ("Xvfb", "openbox", "xdotool", "xprop")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def x_screen(width: int, height: int) -> Iterator[str]:
    """A display name (":N") with an Xvfb screen of ``width``×``height`` and openbox managing it."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp", "-noreset"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # Xvfb writes its display number once it accepts connections
        if not number:
            raise RuntimeError("Xvfb did not start")
        display = f":{number}"
        env = {**os.environ, "DISPLAY": display}
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while "window id" not in subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env,
                                                    capture_output=True, text=True).stdout:
                if time.monotonic() > deadline or wm.poll() is not None:
                    raise RuntimeError("openbox did not take the screen")
                time.sleep(0.05)  # polling a condition, with a deadline
            yield display
        finally:
            wm.terminate()
            wm.wait(10)
    finally:
        xvfb.terminate()
        xvfb.wait(10)
