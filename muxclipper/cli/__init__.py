"""The command line: ``muxclipper clip|assets|live-streams|jobs`` on the same engine as the window."""
