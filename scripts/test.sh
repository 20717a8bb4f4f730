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

# Two workers per core (pytest-xdist; MUXCLIPPER_TEST_WORKERS=N to choose, 0 for one process): about half of the
# suite's time is spent waiting, not computing (a process starting, a server answering, a job followed, a walk on the
# real window), so one worker per core left the cores idle half the run. Each test module is whole on one worker,
# the longest first (tests/conftest.py). Arguments given here come after, so they win ("-n 0" runs the tests in one
# process, to debug).
# With no arguments (CI), the real-window tests run afterwards, among themselves: they watch a real decoder and
# window manager on the real screen, and a frozen build or ffmpeg on the other worker starved them into missing their
# deadlines on two cores (seen on a quiet machine: two of the three sizes failed beside the packaging tests, all
# passed alone). One walk per core at once (each on its own virtual screen: a module's sizes are split
# between the workers, tests/support/xdist_scopes.py) keep theirs.
# Both runs must pass; either one's failures are printed in its own summary.
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
  echo -n muxclipper-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  python="$0"; workers="$1"; window_workers="$2"; shift 2
  if [ "$#" -gt 0 ]; then
    exec "$python" -m pytest -n "$workers" --dist loadscope --no-loadscope-reorder "$@"
  fi
  status=0
  "$python" -m pytest -n "$workers" --dist loadscope --no-loadscope-reorder -m "not real_window" || status=$?
  echo "--- the real-window tests, among themselves ---"
  "$python" -m pytest -n "$window_workers" --dist loadscope --no-loadscope-reorder -m real_window || status=$?
  exit "$status"' "$MUXCLIPPER_ROOT/.venv/bin/python" "${MUXCLIPPER_TEST_WORKERS:-$(( $(nproc) * 2 ))}" \
  "${MUXCLIPPER_TEST_WORKERS:-$(nproc)}" "$@"
