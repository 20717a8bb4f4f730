"""PySide6 widgets and models; they display and forward, nothing more."""
