"""The Environments dialog: add, edit, duplicate, remove and choose Mux environments.

Secrets are typed into masked fields that are never filled with the stored secret and cannot be
copied; they go straight to the keyring through :class:`EnvironmentStore`. Results and problems
appear in the status line, not in message boxes.
"""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from muxclipper.mux.endpoints import DEFAULT_API, Credentials
from muxclipper.qt.accessible_names import name_combo_box
from muxclipper.services.connection_check import ConnectionReport
from muxclipper.services.credentials import KeyringUnavailableError, SessionSecrets
from muxclipper.services.environment import Environment, endpoints_for
from muxclipper.services.environments import (
    COLOURS,
    EnvironmentProfile,
    EnvironmentStore,
    ProfileError,
    new_profile,
    suggests_production,
)

COLOUR_NAMES = {"#2e7d32": "Green", "#1565c0": "Blue", "#6a1b9a": "Purple", "#ef6c00": "Orange",
                "#c62828": "Red", "#00838f": "Teal"}


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _label(profile: EnvironmentProfile, active: EnvironmentProfile | None) -> str:
    return profile.name + ("  (active)" if active is not None and active.id == profile.id else "")


class EnvironmentsDialog(QDialog):
    """Every control has a unique Alt+letter: Add, Duplicate, Remove, Use, Import, Name, coLour,
    Token id, Secret, api addrEss, streaM, imaGe, Clips, Key id, Private key, test cOnnection, saVe.

    Signals:
        test_requested(Environment): test these settings; the owner answers with :meth:`show_report`.
        active_changed(object): the active :class:`EnvironmentProfile` changed.
        environments_changed(): a profile was added, changed or removed.
    """

    test_requested = Signal(object)
    active_changed = Signal(object)
    environments_changed = Signal()

    def __init__(self, store: EnvironmentStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mux environments")
        self.setAccessibleName("Mux environments")
        self._store = store
        self._editing: EnvironmentProfile | None = None
        self._remove_armed: str | None = None
        self._build()
        self._reload()

    # ------------------------------------------------------------------ layout
    def _field(self, name: str, placeholder: str = "") -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        return field

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        return button

    def _build(self) -> None:
        self.environment_list = QListWidget(self)
        self.environment_list.setAccessibleName("Environments")
        self.add_button = self._button("&Add", "Add environment")
        self.duplicate_button = self._button("&Duplicate", "Duplicate environment")
        self.remove_button = self._button("&Remove", "Remove environment")
        self.use_button = self._button("&Use", "Make active")
        self.import_button = self._button("&Import MUX_* variables", "Import from environment variables")

        self.name_field = self._field("Name", "Production, Staging, Client A…")
        self.colour_box = QComboBox(self)
        name_combo_box(self.colour_box, "Colour")
        for colour in COLOURS:
            self.colour_box.addItem(_swatch(colour), COLOUR_NAMES.get(colour, colour), colour)
        self.token_id_field = self._field("Access token ID")
        self.secret_field = self._field("Token secret")
        self.secret_field.setEchoMode(QLineEdit.EchoMode.Password)  # masked, and Qt refuses to copy it
        self.secret_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.api_field = self._field("API address", DEFAULT_API)
        self.stream_field = self._field("Stream address", "derived from the API address")
        self.image_field = self._field("Image address", "derived from the API address")
        self.confirm_box = QCheckBox("Ask before creating &clips", self)
        self.confirm_box.setAccessibleName("Ask before creating clips")
        self.signing_id_field = self._field("Signing key ID", "only for signed playback ids")
        self.signing_key_field = self._field("Signing private key", "base64 or PEM; kept in the keyring")
        self.signing_key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.signing_key_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        form = QFormLayout()
        for label, widget in (("&Name", self.name_field), ("Co&lour", self.colour_box),
                              ("Access &token ID", self.token_id_field), ("Token &secret", self.secret_field),
                              ("API addr&ess", self.api_field), ("Strea&m address", self.stream_field),
                              ("Ima&ge address", self.image_field), ("", self.confirm_box),
                              ("Signing &key ID", self.signing_id_field),
                              ("Signing &private key", self.signing_key_field)):
            if label:
                text = QLabel(label, self)
                text.setBuddy(widget)
                form.addRow(text, widget)
            else:
                form.addRow(widget)

        self.test_button = self._button("Test c&onnection", "Test connection")
        self.save_button = self._button("Sa&ve", "Save environment")
        self.session_button = self._button("Keep for this run onl&y", "Keep the credentials for this run only")
        self.session_button.hide()
        self.close_button = self._button("Close", "Close")
        self.status = QLabel(self)
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        side = QVBoxLayout()
        side.addWidget(self.environment_list)
        for button in (self.add_button, self.duplicate_button, self.remove_button, self.use_button,
                       self.import_button):
            side.addWidget(button)
        actions = QHBoxLayout()
        for button in (self.test_button, self.save_button, self.session_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(actions)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addLayout(side, 1)
        layout.addLayout(right, 2)

        self.environment_list.currentRowChanged.connect(self._on_list_row_changed)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.use_button.clicked.connect(self._on_use_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.session_button.clicked.connect(self._on_session_clicked)
        self.close_button.clicked.connect(self.accept)
        self.name_field.textEdited.connect(self._on_name_edited)

    # ------------------------------------------------------------------ display
    def refresh(self) -> None:
        """The window switched the active environment: the list says which it is now. The form is left alone,
        with whatever the user is typing in it."""
        active = self._store.active
        for row in range(self.environment_list.count()):
            item = self.environment_list.item(row)
            profile = self._store.find(str(item.data(Qt.ItemDataRole.UserRole)))
            item.setText(_label(profile, active))

    def _reload(self, select: str | None = None) -> None:
        active = self._store.active
        self.environment_list.blockSignals(True)
        self.environment_list.clear()
        for profile in self._store.profiles:
            item = QListWidgetItem(_swatch(profile.colour), _label(profile, active))
            item.setData(Qt.ItemDataRole.UserRole, profile.id)
            self.environment_list.addItem(item)
        self.environment_list.blockSignals(False)
        ids = [p.id for p in self._store.profiles]
        target = select or (self._editing.id if self._editing else None) or (active.id if active else None)
        if target in ids:
            self.environment_list.setCurrentRow(ids.index(target))
            self._load(self._store.find(target))
        elif not ids:
            self._on_add_clicked()

    def _load(self, profile: EnvironmentProfile) -> None:
        self._editing = profile
        self._remove_armed = None
        self.name_field.setText(profile.name)
        self.colour_box.setCurrentIndex(max(self.colour_box.findData(profile.colour), 0))
        self.token_id_field.setText(profile.token_id)
        self.secret_field.clear()
        self.secret_field.setPlaceholderText("Kept in the keyring; type a new one to replace it")
        self.api_field.setText(profile.api_url)
        self.stream_field.setText(profile.stream_url)
        self.image_field.setText(profile.image_url)
        self.confirm_box.setChecked(profile.confirm_create)
        self.signing_id_field.setText(profile.signing_key_id or "")
        self.signing_key_field.clear()
        self.session_button.hide()

    def show_report(self, report: ConnectionReport) -> None:
        self._say(("✓ " if report.ok else "✗ ") + report.message)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    # ------------------------------------------------------------------ reading the form
    def _profile_from_form(self) -> EnvironmentProfile:
        api = self.api_field.text().strip() or DEFAULT_API
        derived = endpoints_for(api)
        fields = {"name": self.name_field.text().strip(), "token_id": self.token_id_field.text().strip(),
                  "colour": self.colour_box.currentData(), "api_url": api,
                  "stream_url": self.stream_field.text().strip() or derived.stream,
                  "image_url": self.image_field.text().strip() or derived.image,
                  "confirm_create": self.confirm_box.isChecked(),
                  "signing_key_id": self.signing_id_field.text().strip() or None}
        if self._editing is None:
            return new_profile(**fields)
        return replace(self._editing, **fields)

    # ------------------------------------------------------------------ slots
    def _on_list_row_changed(self, row: int) -> None:
        item = self.environment_list.item(row)
        if item is not None:
            self._load(self._store.find(str(item.data(Qt.ItemDataRole.UserRole))))

    def _on_add_clicked(self) -> None:
        self._editing = None
        for field in (self.name_field, self.token_id_field, self.secret_field, self.stream_field,
                      self.image_field, self.signing_id_field, self.signing_key_field):
            field.clear()
        self.secret_field.setPlaceholderText("Shown once in the Mux dashboard when the token was made")
        self.api_field.setText(DEFAULT_API)
        self.colour_box.setCurrentIndex(len(self._store.profiles) % len(COLOURS))
        self.confirm_box.setChecked(False)
        self.environment_list.clearSelection()
        self.name_field.setFocus()
        self._say("New environment: fill in the name, token id and secret, then Save.")

    def _on_name_edited(self, text: str) -> None:
        if self._editing is None:
            self.confirm_box.setChecked(suggests_production(text))

    def _on_save_clicked(self, storage: str = "keyring") -> None:
        secret = self.secret_field.text().strip()
        signing = self.signing_key_field.text().strip() or None
        try:
            profile = self._profile_from_form()
            if storage == "session":
                profile = replace(profile, storage="session")
            if self._editing is None:
                self._store.add(profile, secret, signing)
            else:
                self._store.update(profile, secret or None, signing)
        except KeyringUnavailableError as exc:
            self.session_button.show()
            self._say(str(exc))
            return
        except ProfileError as exc:
            self._say(str(exc))
            return
        self.secret_field.clear()
        self.signing_key_field.clear()
        self._editing = profile
        self._reload(select=profile.id)
        where = "for this run only" if storage == "session" else "in the keyring"
        self._say(f"Saved {profile.name}; its secret is {where}.")
        self.environments_changed.emit()

    def _on_session_clicked(self) -> None:
        if self._store.session_secrets is None:
            self._store.session_secrets = SessionSecrets()
        self._on_save_clicked(storage="session")
        self.session_button.hide()

    def _selected(self) -> EnvironmentProfile | None:
        return self._editing

    def _on_duplicate_clicked(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        try:
            copy = self._store.duplicate(profile, f"{profile.name} (copy)")
        except (ProfileError, KeyringUnavailableError) as exc:
            self._say(str(exc))
            return
        self._reload(select=copy.id)
        self._say(f"Duplicated as {copy.name}; rename it and Save.")
        self.environments_changed.emit()

    def _on_remove_clicked(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        if self._remove_armed != profile.id:  # two presses instead of a modal question
            self._remove_armed = profile.id
            self._say(f"Press Remove again to remove {profile.name} and its keyring entries.")
            return
        try:
            self._store.remove(profile)
        except KeyringUnavailableError as exc:
            self._say(str(exc))
            return
        self._editing = None
        self._reload()
        self._say(f"Removed {profile.name} and its keyring entries.")
        self.environments_changed.emit()

    def _on_use_clicked(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        self._store.set_active(profile)
        self._reload(select=profile.id)
        self._say(f"{profile.name} is now the active environment.")
        self.active_changed.emit(profile)

    def _on_import_clicked(self) -> None:
        token_id, secret = os.environ.get("MUX_TOKEN_ID", ""), os.environ.get("MUX_TOKEN_SECRET", "")
        if not token_id or not secret:
            self._say("MUX_TOKEN_ID and MUX_TOKEN_SECRET are not both set in muxclipper's environment.")
            return
        self._on_add_clicked()
        self.name_field.setText("From MUX_TOKEN_ID")
        self.token_id_field.setText(token_id)
        self.secret_field.setText(secret)
        self.api_field.setText(os.environ.get("MUX_BASE_URL") or DEFAULT_API)
        self._say("Imported MUX_TOKEN_ID, MUX_TOKEN_SECRET and MUX_BASE_URL: name it, then Save.")

    def _on_test_clicked(self) -> None:
        try:
            profile = self._profile_from_form()
            secret = self.secret_field.text().strip()
            if not secret and self._editing is not None:
                secret = self._store.environment(self._editing).credentials.token_secret
            if not secret or not profile.token_id:
                raise ProfileError("Enter the token id and secret to test them.")
        except (ProfileError, KeyringUnavailableError) as exc:
            self._say(str(exc))
            return
        self._say("Testing…")
        self.test_requested.emit(Environment(profile.name, profile.endpoints, Credentials(profile.token_id, secret)))
