"""The window: the frame that lays out the panels and wires them (`main_window`, `window_panels`), its menu bar,
geometry, About box, the environment switch that rebuilds it, the work kept per source (`work_memory`), hearing other
processes write the job history (`history_watcher`), and the replay key, which joins the live streams tab and the
clips (`replay_controller`).
The only folder that may import every panel; nothing in ``muxclipper.qt`` imports it but ``app`` and ``launch``."""
