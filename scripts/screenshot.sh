#!/usr/bin/env bash
# Rerun docs/screenshot.png: the demo in a real window on a virtual X screen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test
exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot.py
