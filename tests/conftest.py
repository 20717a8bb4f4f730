"""Suite-wide settings: offscreen Qt, and no test may touch the user's real config or keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
