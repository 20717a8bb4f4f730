"""The reliability suites print what they tried, so the figures in docs/RELIABILITY.md can be checked."""

from __future__ import annotations

import pytest

from tests.reliability.counts import snapshot


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = snapshot()
    if not counts:
        return
    terminalreporter.section("reliability counts")
    for name, n in sorted(counts.items()):
        terminalreporter.write_line(f"{name}: {n}")
