"""The emulator's clock frozen: wholly virtual, moved only by the test; a reset lets it run on, never back."""

from __future__ import annotations

from tests.emulator.helpers import Emu


def test_a_frozen_clock_moves_only_when_advanced_and_reset_lets_it_run_from_there(emu: Emu) -> None:
    frozen = emu.ctl("POST", "clock/freeze", {"frozen": True})
    assert frozen["frozen"] is True
    [asset_id] = emu.seed({"status": "preparing"})
    assert emu.ctl("POST", "clock/advance", {"seconds": 0})["now"] == frozen["now"]  # requests took real time
    assert emu.ctl("POST", "clock/advance", {"seconds": 2.5})["now"] == frozen["now"] + 2.5
    assert emu.asset(asset_id)["status"] == "preparing"
    # A test that froze the clock and failed before letting it go leaves the next test a running clock.
    emu.ctl("POST", "reset")
    assert emu.ctl("POST", "clock/freeze", {"frozen": False})["frozen"] is False
    assert emu.ctl("POST", "clock/advance", {"seconds": 0})["now"] >= frozen["now"] + 2.5  # on from where it stood
