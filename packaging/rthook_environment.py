"""PyInstaller runtime hook: give every program the frozen app starts the environment the user started it with.

On Linux the bootloader puts the bundle's library folder first in ``LD_LIBRARY_PATH`` (keeping the user's value
in ``LD_LIBRARY_PATH_ORIG``). Programs the app starts inherit it: ``xdg-open`` (Qt's ``QDesktopServices``, for
"open in browser"), the browser it runs, and the system ffmpeg would load the bundle's Qt, libav and OpenSSL
instead of their own and can fail to start. The dynamic loader read the variable when this process started, so
restoring it here changes nothing for the app itself, only for its children.
"""

import os
import sys

if getattr(sys, "frozen", False):
    bundle = getattr(sys, "_MEIPASS", "")
    for name in ("LD_LIBRARY_PATH", "LIBPATH", "DYLD_LIBRARY_PATH"):
        original = os.environ.pop(f"{name}_ORIG", None)
        value = os.environ.get(name)
        if value is None or not bundle or bundle not in value.split(os.pathsep):
            continue  # the user's own setting, untouched by the bootloader
        if original is not None:
            os.environ[name] = original
        else:  # the user had none
            del os.environ[name]
