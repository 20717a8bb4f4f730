"""The window's environment selector: switch between stored environments without restarting, never lose work
unawares, and open the window even when no environment is usable yet (first start, locked keyring)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.errors
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from muxclipper.app import build_parser, run_window
from muxclipper.core.jobs import JobState
from muxclipper.core.marking import MarkedRange
from muxclipper.core.models import Asset, AssetStatus, PlaybackId
from muxclipper.emulator import EmulatorConfig, EmulatorServer, Token
from muxclipper.qt.environments.environments_dialog import EnvironmentsDialog
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services import paths
from muxclipper.services.credentials import KeyringSecrets
from muxclipper.services.environment import endpoints_for
from muxclipper.services.environment_choice import NO_ENVIRONMENT, EnvironmentChoice, choose_environment
from muxclipper.services.environments import EnvironmentProfile, EnvironmentStore, new_profile
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until
from tests.support.memory_keyring import RefusingKeyring

PROD = ("prod-token-id", "prod-token-secret")


@pytest.fixture(scope="module")
def production_server() -> Iterator[EmulatorServer]:
    config = EmulatorConfig(tokens=(Token(*PROD),), rate_limits=None, media=False, processing_seconds=1.0)
    with EmulatorServer(config) as server:
        with httpx.Client(base_url=server.url) as control:
            control.post("/_emulator/seed", json={"assets": [{"title": "Production source"}]}).raise_for_status()
        yield server


@pytest.fixture(autouse=True)
def _no_token_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """MUX_TOKEN_* would win over the stored environments these tests are about."""
    for name in ("MUX_TOKEN_ID", "MUX_TOKEN_SECRET", "MUX_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _profile(name: str, token_id: str, url: str, **fields: Any) -> EnvironmentProfile:
    where = endpoints_for(url)
    return new_profile(name, token_id, api_url=where.api, stream_url=where.stream, image_url=where.image, **fields)


def _store() -> EnvironmentStore:
    return EnvironmentStore(paths.environments_file(), KeyringSecrets())


def _window(tmp_path: Path, startup: EnvironmentChoice) -> MainWindow:
    window = MainWindow(startup.face, startup.colour, confirm_create=startup.confirm_create, panels=False,
                        settings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    window.resize(1200, 700)
    window.show()
    return window


def _titles(window: MainWindow) -> list[str]:
    if not window.panels_built:
        return []
    model = window.sources.model
    return [model.asset_at(row).title or "" for row in range(model.rowCount())]


def test_the_selector_switches_environments_and_each_keeps_its_clips(
        qapp: QApplication, emu: Emu, production_server: EmulatorServer, tmp_path: Path) -> None:
    [staging_source] = emu.seed({"title": "Staging source", "duration": 60.0, "frame_rate": 25.0})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})
    store = _store()
    staging = store.add(_profile("Staging", RW[0], emu.url, colour="#2e7d32"), RW[1])
    production = store.add(_profile("Production", PROD[0], production_server.url, colour="#c62828",
                                    confirm_create=True), PROD[1])
    startup = choose_environment(None, None, os.environ)
    assert (startup.key, startup.problem) == (staging.id, None)  # the first added is the active one

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args([]), qapp, window, startup))
        await until(lambda: _titles(window) == ["Staging source"], 10, "Staging's sources")
        assert not window.environment_bar.environment_box.isHidden() and not window.environment_bar.manage_button.isHidden()
        assert [window.environment_bar.environment_box.itemText(i) for i in range(window.environment_bar.environment_box.count())] == [
            "Staging", "Production"]

        # A clip in Staging, followed to ready.
        window.asset = Asset(staging_source, AssetStatus.READY, 0, 60_000, frame_rate=25.0,
                             playback_ids=(PlaybackId("p", "public"),))
        window.editor.timeline.set_source(60_000, window.editor.player.rate)
        marked = MarkedRange(None, None, 60_000, window.editor.player.rate).with_in(2_000).with_out(8_000)
        window.editor.edit_range(marked)
        window.editor.create_requested.emit(marked)
        await until(lambda: window.clips.jobs_model.rowCount() == 1, 5, "Staging's clip")

        # Marks are open: the first choice of Production only says what it would close.
        window.environment_bar.environment_box.activated.emit(window.environment_bar.environment_box.findData(production.id))
        assert "choose Production again" in window.status.text()
        assert "in and out marks" in window.status.text()
        assert window.environment_bar.badge.text().strip() == "Staging" and window.environment_bar.environment_box.currentText() == "Staging"
        window.environment_bar.environment_box.activated.emit(window.environment_bar.environment_box.findData(production.id))
        await until(lambda: _titles(window) == ["Production source"], 10, "Production's sources")
        assert window.environment_bar.badge.text().strip() == "Production" and window.windowTitle() == "muxclipper — Production"
        assert window.environment_bar.environment_box.currentText() == "Production"
        assert window.clips.jobs_model.rowCount() == 0  # Staging's clip is not listed as Production's
        assert window.asset is None and window.editor.timeline.marked.in_ms is None
        assert window.confirm_create  # Production asks before creating
        assert _store().active is not None and _store().active.id == production.id  # the next start opens it
        # Staging goes on making its clip meanwhile, and says when it is ready.
        await until(lambda: window.status.text() == "Staging: Clip #1 is ready", 20, "Staging's clip told ready")
        assert window.clips.jobs_model.rowCount() == 0

        # Back to Staging (nothing open now: at once); its clip is there, ready.
        window.environment_bar.environment_box.activated.emit(window.environment_bar.environment_box.findData(staging.id))
        await until(lambda: window.clips.jobs_model.rowCount() == 1, 10, "Staging's clip again")
        assert window.clips.jobs_model.job_at(0).state is JobState.READY
        await until(lambda: "Staging source" in _titles(window), 10, "Staging's sources again")  # and the clip
        assert not window.confirm_create
        window.close()
        assert await asyncio.wait_for(running, 10) == 0

    run(qapp, scenario)
    # Each environment was asked with its own token only.
    assert {e["authorization"] for e in emu.requests(path_prefix="/video/")} == {True}


def test_without_an_environment_the_window_opens_and_the_first_one_added_connects(
        qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    emu.seed({"title": "First source"})
    startup = choose_environment(None, None, os.environ)
    assert startup.environment is None and startup.problem == NO_ENVIRONMENT

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args([]), qapp, window, startup))
        dialog = await until(lambda: window.findChild(EnvironmentsDialog), 5, "the Environments dialog")
        assert dialog.isVisible() and not dialog.isModal()  # beside the window, which stays usable
        assert window.status.text() == NO_ENVIRONMENT and window.environment_bar.badge.text().strip() == "No environment"
        assert not window.editor.isEnabled()
        dialog.name_field.setText("Staging")
        dialog.token_id_field.setText(RW[0])
        dialog.secret_field.setText(RW[1])
        dialog.api_field.setText(emu.url)
        dialog.save_button.click()
        await until(lambda: _titles(window) == ["First source"], 10, "the new environment's sources")
        assert window.environment_bar.badge.text().strip() == "Staging" and window.editor.isEnabled()
        window.close()
        assert await asyncio.wait_for(running, 10) == 0

    run(qapp, scenario)


def test_a_locked_keyring_at_start_is_said_in_the_window_with_what_to_do(tmp_path: Path) -> None:
    _store().add(new_profile("Production", PROD[0]), PROD[1])
    keyring.set_keyring(RefusingKeyring(keyring.errors.KeyringLocked()))
    startup = choose_environment(None, None, os.environ)
    assert startup.face is not None and startup.face.name == "Production"  # what the frame shows meanwhile
    startup.read_secret()
    assert startup.environment is None and startup.store is not None
    assert startup.problem is not None and "locked" in startup.problem and "Unlock" in startup.problem
    assert PROD[1] not in startup.problem


def test_a_stored_environment_is_chosen_before_the_first_paint_without_the_keyring() -> None:
    # Importing keyring and asking the Secret Service cost a few hundred ms: the frame must not wait for them.
    _store().add(_profile("Production", PROD[0], "http://127.0.0.1:9"), PROD[1])
    code = ("import os, sys; from muxclipper.services.environment_choice import choose_environment; "
            "s = choose_environment(None, None, os.environ); print(s.face.name, 'keyring' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["Production", "False"]


def test_the_environments_dialog_switches_restyles_and_removes_the_one_in_use(
        qapp: QApplication, emu: Emu, production_server: EmulatorServer, tmp_path: Path) -> None:
    emu.seed({"title": "Staging source"})
    store = _store()
    store.add(_profile("Staging", RW[0], emu.url), RW[1])
    store.add(_profile("Production", PROD[0], production_server.url), PROD[1])
    startup = choose_environment(None, None, os.environ)

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args([]), qapp, window, startup))
        await until(lambda: _titles(window) == ["Staging source"], 10, "Staging's sources")
        window.environment_bar.manage_button.click()
        dialog = window.findChild(EnvironmentsDialog)
        assert dialog is not None and dialog.isVisible()
        dialog.environment_list.setCurrentRow(1)
        dialog.use_button.click()
        await until(lambda: _titles(window) == ["Production source"], 10, "Production's sources")
        assert window.environment_bar.badge.text().strip() == "Production"
        # Switched back in the window's selector: the open dialog marks the active one, the form is left alone.
        dialog.token_id_field.setText("being typed")
        window.environment_bar.environment_box.activated.emit(window.environment_bar.environment_box.findData(startup.key))
        await until(lambda: _titles(window) == ["Staging source"], 10, "Staging's sources again")
        assert dialog.environment_list.item(0).text() == "Staging  (active)"
        assert dialog.environment_list.item(1).text() == "Production"
        assert dialog.token_id_field.text() == "being typed"
        dialog.environment_list.setCurrentRow(1)
        dialog.use_button.click()
        await until(lambda: _titles(window) == ["Production source"], 10, "Production's sources again")
        # Renamed and recoloured while in use: the badge and the selector follow at once.
        dialog.name_field.setText("Live desk")
        dialog.colour_box.setCurrentIndex(dialog.colour_box.findData("#00838f"))
        dialog.save_button.click()
        assert window.environment_bar.badge.text().strip() == "Live desk" and "#00838f" in window.environment_bar.badge.styleSheet()
        assert window.environment_bar.environment_box.currentText() == "Live desk"
        # Removed while in use: the window carries on with it, and says so in the selector.
        dialog.remove_button.click()
        dialog.remove_button.click()
        assert window.environment_bar.environment_box.currentText() == "Live desk (removed)"
        assert _titles(window) == ["Production source"]
        window.close()
        assert await asyncio.wait_for(running, 10) == 0

    run(qapp, scenario)


def test_a_signing_key_added_to_the_environment_in_use_is_used_at_once(
        qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    """Typed into the Environments dialog and saved: the window reconnects with it (before, only a new secret or
    address reconnected, so signed sources stayed refused until a restart)."""
    from PySide6.QtTest import QTest

    emu.seed({"title": "Staging source"})
    key = emu.api.post("/system/v1/signing-keys").json()["data"]
    store = _store()
    store.add(_profile("Staging", RW[0], emu.url), RW[1])
    startup = choose_environment(None, None, os.environ)

    async def scenario() -> None:
        window = _window(tmp_path, startup)
        running = asyncio.ensure_future(run_window(build_parser().parse_args([]), qapp, window, startup))
        await until(lambda: _titles(window) == ["Staging source"], 10, "Staging's sources")
        assert window.session.environment.signing_key is None
        window.environment_bar.manage_button.click()
        dialog = window.findChild(EnvironmentsDialog)
        assert dialog is not None
        dialog.environment_list.setCurrentRow(0)
        QTest.keyClicks(dialog.signing_id_field, key["id"])
        QTest.keyClicks(dialog.signing_key_field, key["private_key"])
        dialog.save_button.click()
        await until(lambda: window.attached and window.session.environment.signing_key is not None, 10,
                    "the window reconnected with the signing key")
        assert window.session.environment.signing_key.key_id == key["id"]
        assert window.session.urls.signing_key == window.session.environment.signing_key
        await until(lambda: _titles(window) == ["Staging source"], 10, "Staging's sources again")
        window.close()
        assert await asyncio.wait_for(running, 10) == 0

    run(qapp, scenario)
