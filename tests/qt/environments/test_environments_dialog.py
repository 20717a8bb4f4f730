"""The Environments dialog, driven by keyboard the way a producer would, and read by a screen reader."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.errors
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListWidget, QWidget

from muxclipper.mux.client import MuxClient
from muxclipper.qt.environments.environments_dialog import EnvironmentsDialog
from muxclipper.services.connection_check import check_connection
from muxclipper.services.credentials import SERVICE, KeyringSecrets
from muxclipper.services.environment import Environment
from muxclipper.services.environments import EnvironmentStore
from tests.emulator.helpers import RW, Emu
from tests.support.memory_keyring import MemoryKeyring, RefusingKeyring

SECRET = "dialog-secret-value"


@pytest.fixture
def store(tmp_path: Path) -> EnvironmentStore:
    return EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())


@pytest.fixture
def dialog(qtbot: Any, store: EnvironmentStore) -> EnvironmentsDialog:
    widget = EnvironmentsDialog(store)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()  # mnemonics (Alt+letter) only reach the active window
    qtbot.waitActive(widget)
    return widget


def _type(qtbot: Any, dialog: EnvironmentsDialog, text: str) -> None:
    focused = dialog.focusWidget()
    assert isinstance(focused, QLineEdit), focused
    qtbot.keyClicks(focused, text)


def test_keyboard_only_add_and_save(qtbot: Any, dialog: EnvironmentsDialog, store: EnvironmentStore) -> None:
    dialog.status.clear()
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # &Add
    # A mnemonic "animates" the button: the click lands a moment later.
    qtbot.waitUntil(lambda: dialog.status.text().startswith("New environment"), timeout=2_000)
    assert dialog.focusWidget() is dialog.name_field
    _type(qtbot, dialog, "Production")
    assert dialog.confirm_box.isChecked()  # a production-like name asks for confirmation
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Access &token ID
    _type(qtbot, dialog, "tok-123")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Token &secret
    _type(qtbot, dialog, SECRET)
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Sa&ve
    qtbot.waitUntil(lambda: bool(store.profiles), timeout=2_000)
    [profile] = store.profiles
    assert (profile.name, profile.token_id, profile.confirm_create) == ("Production", "tok-123", True)
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring) and backend.items[(SERVICE, profile.secret_name)] == SECRET
    assert "Saved Production" in dialog.status.text()
    assert dialog.secret_field.text() == ""  # the secret does not linger in the form


def test_mnemonics_are_unique(dialog: EnvironmentsDialog) -> None:
    import re

    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in dialog.findChildren(QWidget) if isinstance(w, (QAbstractButton, QLabel))]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]
    assert len(letters) == len(set(letters)) >= 15


def test_every_control_has_an_accessible_name(dialog: EnvironmentsDialog) -> None:
    controls = [w for w in dialog.findChildren(QWidget)
                if isinstance(w, (QLineEdit, QComboBox, QAbstractButton, QListWidget))]
    assert len(controls) > 15
    assert [w for w in controls if not w.accessibleName()] == []


def test_secret_fields_are_masked_never_prefilled_and_cannot_be_copied(
        qtbot: Any, dialog: EnvironmentsDialog, store: EnvironmentStore) -> None:
    from muxclipper.services.environments import new_profile

    store.add(new_profile("Staging", "tok"), SECRET)
    dialog._reload()  # noqa: SLF001 - as the dialog does after a change elsewhere
    assert dialog.name_field.text() == "Staging"
    assert dialog.secret_field.text() == "" and "keyring" in dialog.secret_field.placeholderText()
    for field in (dialog.secret_field, dialog.signing_key_field):
        assert field.echoMode() is QLineEdit.EchoMode.Password
        assert field.contextMenuPolicy() is Qt.ContextMenuPolicy.NoContextMenu
    from PySide6.QtGui import QGuiApplication

    qtbot.keyClicks(dialog.secret_field, "typed")
    dialog.secret_field.selectAll()
    QGuiApplication.clipboard().setText("before")
    qtbot.keyClick(dialog.secret_field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "before"


def test_test_connection_reports_what_the_token_can_do(qtbot: Any, dialog: EnvironmentsDialog, emu: Emu) -> None:
    def run_check(environment: Environment) -> None:
        async def check() -> Any:
            async with httpx.AsyncClient(timeout=5) as http:
                return await check_connection(MuxClient(http, environment.credentials, environment.endpoints))

        dialog.show_report(asyncio.run(check()))

    dialog.test_requested.connect(run_check)
    dialog.name_field.setText("Emulator")
    dialog.token_id_field.setText(RW[0])
    dialog.api_field.setText(emu.url)
    dialog.secret_field.setText("wrong")
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Test c&onnection
    qtbot.waitUntil(lambda: dialog.status.text().startswith("✗"), timeout=5_000)
    assert dialog.status.text().startswith("✗ Wrong token id or secret")
    dialog.secret_field.setText(RW[1])
    dialog.test_button.click()
    assert dialog.status.text().startswith("✓ Works")


def test_keyring_refusal_offers_this_run_only(qtbot: Any, tmp_path: Path) -> None:
    keyring.set_keyring(RefusingKeyring(keyring.errors.KeyringLocked()))
    store = EnvironmentStore(tmp_path / "environments.json", KeyringSecrets())
    dialog = EnvironmentsDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_field.setText("Laptop")
    dialog.token_id_field.setText("tok")
    dialog.secret_field.setText(SECRET)
    dialog.save_button.click()
    assert "locked" in dialog.status.text() and not dialog.session_button.isHidden()
    assert store.profiles == []
    dialog.session_button.click()
    [profile] = store.profiles
    assert profile.storage == "session" and "for this run only" in dialog.status.text()
    assert SECRET not in (tmp_path / "environments.json").read_text()
    assert store.environment(profile).credentials.token_secret == SECRET


def test_remove_asks_twice_without_a_modal_and_import_reads_variables(
        qtbot: Any, dialog: EnvironmentsDialog, store: EnvironmentStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUX_TOKEN_ID", "env-id")
    monkeypatch.setenv("MUX_TOKEN_SECRET", SECRET)
    monkeypatch.setenv("MUX_BASE_URL", "http://127.0.0.1:5000")
    dialog.import_button.click()
    assert (dialog.token_id_field.text(), dialog.api_field.text()) == ("env-id", "http://127.0.0.1:5000")
    dialog.save_button.click()
    [profile] = store.profiles
    assert profile.stream_url == "http://127.0.0.1:5000/stream"
    dialog.remove_button.click()
    assert store.profiles and "Press Remove again" in dialog.status.text()
    dialog.remove_button.click()
    assert store.profiles == []
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring) and backend.items == {}
