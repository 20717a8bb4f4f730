"""The emulator's clock stopped: wholly virtual, moved only by the test; started again, it never goes back."""

from __future__ import annotations

from tests.emulator.helpers import Emu


def test_a_stopped_clock_moves_only_when_advanced_and_reset_starts_it_from_there(emu: Emu) -> None:
    stopped = emu.ctl("POST", "clock/stop")
    assert stopped["running"] is False
    [asset_id] = emu.seed({"status": "preparing"})
    assert emu.ctl("POST", "clock/advance", {"seconds": 0})["now"] == stopped["now"]  # requests took real time
    assert emu.ctl("POST", "clock/advance", {"seconds": 2.5})["now"] == stopped["now"] + 2.5
    assert emu.asset(asset_id)["status"] == "preparing"
    assert emu.ctl("POST", "clock/stop")["now"] == stopped["now"] + 2.5  # stopping twice changes nothing
    emu.ctl("POST", "reset")
    assert emu.ctl("POST", "clock/advance", {"seconds": 0})["now"] >= stopped["now"] + 2.5  # on from where it stood
    emu.ctl("POST", "clock/stop")
    assert emu.ctl("POST", "clock/start")["running"] is True
