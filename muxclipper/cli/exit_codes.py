"""What ``muxclipper``'s commands exit with, in one place.

The README's table says the same; ``tests/cli/test_exit_codes.py`` holds both to it: 0 done; 2 bad input or settings;
3 credentials refused (401/403, also when creating); 4 Mux refused or the clip failed; 5 network (Mux unreachable,
timing out, or answering only 429/5xx, also for longer than ``--wait-timeout`` while waiting); 6 the job history
cannot be written (disk full, read-only); 7 no slate found (``slates``, ``clip --trim-slates``; also an audio-only
source: no picture to find one in); 9 still recording,
the closing slate has not appeared yet (same commands); 1 anything else; 130 interrupted.
"""

from __future__ import annotations

EXIT_OK, EXIT_ERROR, EXIT_INPUT, EXIT_AUTH, EXIT_API, EXIT_NETWORK, EXIT_STORAGE = 0, 1, 2, 3, 4, 5, 6
#: ``slates`` and ``clip --trim-slates`` when the source shows no slate to cut.
EXIT_NO_SLATE = 7
#: ... and when the source is still recording and its closing slate has not appeared at the live edge yet.
EXIT_CLOSING_NOT_YET = 9
EXIT_INTERRUPTED = 130

EXIT_HELP = ("Exit codes: 0 done; 2 bad input or settings; 3 credentials refused; 4 Mux refused the request or the "
             "clip failed; 5 network (Mux unreachable or silent past --wait-timeout: the job is kept, 'muxclipper "
             "jobs --watch' finishes it); 6 the job history cannot be written (disk full); 7 no slate found ('slates', "
             "'clip --trim-slates'; an audio-only source has none to find); 9 still recording, the closing slate has not appeared yet (same commands); 1 a "
             "bug; 130 interrupted.")


class CliError(Exception):
    """A command ends: ``message`` for stderr, ``code`` to exit with."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
