#!/usr/bin/env bash
# The producer's workflow in the demo, driven with real key and mouse input on a real window (a virtual X screen
# with a window manager), at 1280x720 and 1920x1080: a screenshot per step in docs/walkthrough/<size>/.
# The demo's media is made on its first run (about 40 s) and cached.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test
for size in 1280x720 1920x1080; do
  .venv/bin/python -m tests.screen.walkthrough --size "$size"
done
