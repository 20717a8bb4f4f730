"""The window: the frame that lays out the panels and wires them (`main_window`, `window_panels`), its menu bar,
geometry, About box, the environment switch that rebuilds it, and the work kept per source (`work_memory`).
The only folder that may import every panel; nothing in ``muxclipper.qt`` imports it but ``app`` and ``launch``."""
