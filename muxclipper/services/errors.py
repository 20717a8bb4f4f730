"""The errors a user can meet through the services, expected (said in words, no traceback): what the window's one
error channel (``qt/bridge.py``) tells apart from bugs."""

from __future__ import annotations

from muxclipper.mux.errors import MuxError
from muxclipper.services.credentials import KeyringUnavailableError
from muxclipper.services.environments import ProfileError
from muxclipper.store.history_file import StoreUnavailableError

#: ``ValueError`` covers the services' input errors (a job that cannot be made as asked, a bad time).
EXPECTED_ERRORS: tuple[type[Exception], ...] = (MuxError, KeyringUnavailableError, ProfileError,
                                                StoreUnavailableError, ValueError)
