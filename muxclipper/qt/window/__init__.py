"""The window: the frame that lays out the panels and wires them (`main_window`, `window_panels`), its menu bar,
geometry, About box, the environment switch that rebuilds it, the work kept per source (`work_memory`), and
hearing other processes write the job history (`history_watcher`).
The only folder that may import every panel; nothing in ``muxclipper.qt`` imports it but ``app`` and ``launch``."""
