"""PySide6 widgets and models; they display and forward, nothing more.

In folders by what the user sees: ``window/`` (the frame that wires the panels), ``editor/``, ``sources/``,
``clips/``, ``clip_options/``, ``segments/``, ``environments/``. Beside them only what every folder shares:
``bridge`` (async work to the UI), ``qt_messages``, ``identity`` and ``versions``. Panels import the shared modules,
never each other nor the window (import-linter contracts in ``pyproject.toml``)."""
