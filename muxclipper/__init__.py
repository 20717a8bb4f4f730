"""muxclipper: frame-exact clips from Mux videos and live recordings."""

__version__ = "0.1.0"
