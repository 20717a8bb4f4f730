"""A local, faithful Mux API + stream + image server for tests and the offline demo.

It imports nothing else from ``muxclipper`` (an import-linter contract checks this), so it could be
lifted out as a package of its own.
"""

from __future__ import annotations

from muxclipper.emulator.app import create_app
from muxclipper.emulator.config import EmulatorConfig, RateLimits, Token
from muxclipper.emulator.server import EmulatorServer

__all__ = ["EmulatorConfig", "EmulatorServer", "RateLimits", "Token", "create_app"]
