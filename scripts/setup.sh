#!/usr/bin/env bash
# Shared set-up for scripts/demo.sh and scripts/test.sh on Debian 12 (or newer):
# system packages (installed when run as root, else the exact apt-get line is printed),
# a virtualenv in .venv, and muxclipper installed into it (with the test extra if asked).
# Usage: source scripts/setup.sh [test]
set -euo pipefail

MUXCLIPPER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$MUXCLIPPER_ROOT"

# Qt 6 multimedia and the xcb platform need these (../shared/platform-notes.md); the test run also
# needs a virtual X server and a D-Bus session with gnome-keyring's Secret Service.
RUNTIME_PACKAGES="python3 python3-venv python3-pip libpulse0 libegl1 libgl1 libxkbcommon0 \
libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 \
libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 \
libx11-xcb1 libssl3 fonts-dejavu-core"
# The real-window tests (tests/screen) need a window manager and real input besides Xvfb (they grab the screen with
# Qt); imagemagick's `import` grabs it for scripts/screenshot.sh.
TEST_PACKAGES="xvfb xauth dbus dbus-x11 gnome-keyring imagemagick openbox xdotool x11-utils at-spi2-core python3-pyatspi"
# Packaging (packaging/build-linux.sh, tests/packaging): building the bundle and the .deb, and checking them.
TEST_PACKAGES="$TEST_PACKAGES binutils patchelf dpkg-dev xz-utils lintian desktop-file-utils appstream nsis"
# The Windows installer's logic runs under wine64 (tests/packaging/test_windows_installer.py); the .tar.gz is tried
# on a minimal Debian root made by debootstrap (tests/packaging/test_clean_system.py).
TEST_PACKAGES="$TEST_PACKAGES wine64 debootstrap"
# A busy machine for the frame-exact player under load (tests/qt/editor/test_frame_matrix.py).
TEST_PACKAGES="$TEST_PACKAGES stress-ng"

want="$RUNTIME_PACKAGES"
[ "${1:-}" = "test" ] && want="$want $TEST_PACKAGES"

missing=""
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing system packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
  else
    echo "setup: these system packages are missing; install them, then run this again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extra=""
[ "${1:-}" = "test" ] && extra="[test]"
# Reinstall only when pyproject.toml (or the extra asked for) changed since the last set-up.
stamp=".venv/.muxclipper-setup-$(sha256sum pyproject.toml | cut -c1-16)${extra:+-test}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
  rm -f .venv/.muxclipper-setup-*
  touch "$stamp"
fi
