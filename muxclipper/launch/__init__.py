"""How the desktop app starts, beside its composition root (``muxclipper/app.py``): what opens first (the source
named on the command line, the demo's recording) and the smoke test's verdict."""
