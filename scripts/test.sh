#!/usr/bin/env bash
# Set up everything on a fresh Debian machine and run the whole test suite the way CI does:
# a virtual X server, a D-Bus session and an unlocked gnome-keyring (a real Secret Service).
# Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test

# Python keeps what it compiles (__pycache__, gitignored). The suite starts ~400 Python processes (the command line, the
# app, emulators, four workers), and on a machine that sets PYTHONDONTWRITEBYTECODE each of them compiled muxclipper
# anew, and each worker rewrote every test module's asserts again.
unset PYTHONDONTWRITEBYTECODE

# The house rules (design.md): types (mypy, strict) and lint (ruff) fail the run like a failing test. They run
# beside the tests (the cores are not all busy while pytest starts); what they say is printed after the tests.
RULES_LOG="$(mktemp)"
( .venv/bin/python -m mypy && .venv/bin/python -m ruff check --quiet muxclipper tests scripts ) >"$RULES_LOG" 2>&1 &
rules=$!

# A throw-away HOME keeps the tests away from the user's real settings, data and keyring.
TEST_HOME="$(mktemp -d)"
trap 'rm -rf "$TEST_HOME" "$RULES_LOG"' EXIT
export HOME="$TEST_HOME" XDG_CONFIG_HOME="$TEST_HOME/.config" XDG_DATA_HOME="$TEST_HOME/.local/share" \
  XDG_CACHE_HOME="$TEST_HOME/.cache" XDG_STATE_HOME="$TEST_HOME/.local/state"
unset XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS

# Two workers per core (pytest-xdist; MUXCLIPPER_TEST_WORKERS=N to choose, 0 for one process): about half of the
# suite's time is spent waiting, not computing (a process starting, a server answering, a job followed, a walk on the
# real window), so one worker per core left the cores idle half the run. Each test module is whole on one worker,
# the longest first (tests/conftest.py), except that a real-window module's screen sizes are split between workers
# and the media corpus's two modules go together (tests/support/xdist_scopes.py). The real-window walks once ran
# alone after the rest, because a frozen build beside them made them miss 5-second waits; their waits are on the
# frame being on screen now, bounded at 15 s, and they pass beside it. Arguments given here come after, so they win
# ("-n 0" runs the tests in one process, to debug).
status=0
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
  echo -n muxclipper-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  python="$0"; workers="$1"; shift
  exec "$python" -m pytest -n "$workers" --dist loadscope --no-loadscope-reorder "$@"
' "$MUXCLIPPER_ROOT/.venv/bin/python" "${MUXCLIPPER_TEST_WORKERS:-$(( $(nproc) * 2 ))}" "$@" || status=$?

echo "--- mypy and ruff ---"
wait "$rules" || status=1
cat "$RULES_LOG"
exit "$status"
