#!/usr/bin/env bash
# Set up everything on a fresh Debian machine and run the whole test suite the way CI does:
# a virtual X server, a D-Bus session and an unlocked gnome-keyring (a real Secret Service).
# Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test

# The house rules first (design.md): types (mypy, strict) and lint (ruff) fail the run like a failing test.
.venv/bin/python -m mypy
.venv/bin/python -m ruff check --quiet muxclipper tests scripts

# A throw-away HOME keeps the tests away from the user's real settings, data and keyring.
TEST_HOME="$(mktemp -d)"
trap 'rm -rf "$TEST_HOME"' EXIT
export HOME="$TEST_HOME" XDG_CONFIG_HOME="$TEST_HOME/.config" XDG_DATA_HOME="$TEST_HOME/.local/share" \
  XDG_CACHE_HOME="$TEST_HOME/.cache" XDG_STATE_HOME="$TEST_HOME/.local/state"
unset XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS

# On every core (pytest-xdist; MUXCLIPPER_TEST_WORKERS=N to choose, 0 for one process): each test module whole on
# one worker, the longest first (tests/conftest.py). Arguments given here come after, so they win ("-n 0" runs the
# tests in one process, to debug).
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
  echo -n muxclipper-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
  exec "$0" -m pytest "$@"' "$MUXCLIPPER_ROOT/.venv/bin/python" \
  -n "${MUXCLIPPER_TEST_WORKERS:-auto}" --dist loadscope --no-loadscope-reorder "$@"
