#!/usr/bin/env bash
# Set up everything on a fresh Debian machine and start muxclipper's offline demo (no account).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/muxclipper --demo "$@"
