"""The menu bar: every action of the window with its shortcut, collected from the panels that provide them (the
editor's keymap, the sources, segments and clips panels) — File, Edit, View, Playback, Clip, Help.

The frame makes the bar with its menus' titles, so the first paint shows it where it stays; the actions come once
the panels exist (:meth:`MenuBar.add_panels`: making them, their keys parsed, would hold the first paint ~10 ms)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar

if TYPE_CHECKING:
    from muxclipper.qt.clip_options.clip_options_panel import ClipOptionsPanel
    from muxclipper.qt.clips.clip_creator import ClipCreator
    from muxclipper.qt.clips.clips_panel import ClipsPanel
    from muxclipper.qt.editor.editor_widget import EditorWidget
    from muxclipper.qt.segments.segments_panel import SegmentsPanel
    from muxclipper.qt.sources.sources_panel import SourcesPanel

EDIT = ("undo", "redo", None, "mark_in", "mark_out", "clear", None, "go_in", "go_out", "go_first", "go_last", "prev_edit", "next_edit",
        "goto", None, "find_slates", "picture_end", "accept_proposals", None, "leave_field")
VIEW = ("zoom_in", "zoom_out", "captions", "wall_clock")
PLAYBACK = ("play_pause", "pause", "shuttle_back", "shuttle_forward", None, "frame_back", "frame_forward",
            "second_back", "second_forward", "ten_back", "ten_forward")


class MenuBar(QMenuBar):
    def __init__(self, window: QMainWindow, *, open_environments: Callable[[], None], about: Callable[[], None]
                 ) -> None:
        super().__init__(window)
        self.window_ = window
        self._open_environments, self._about = open_environments, about
        self.file = self.addMenu("&File")
        self.edit = self.addMenu("&Edit")
        self.view = self.addMenu("Vie&w")
        self.playback = self.addMenu("Pla&yback")
        self.clip = self.addMenu("&Clip")
        self.help = self.addMenu("&Help")

    def _add_file_and_help(self) -> None:
        open_environments, about = self._open_environments, self._about
        self.open_source = self._action(self.file, "&Open source…", "Ctrl+L")
        self.recent = self.file.addMenu("&Recent sources")
        self.environments = self._action(self.file, "&Environments…", "Ctrl+Shift+E", open_environments)
        self.file.addSeparator()
        self.import_segments = self._action(self.file, "&Import segments…")
        self.export_segments = self._action(self.file, "Export &segments…")
        self.export_clips = self._action(self.file, "Export &clips…")
        self.file.addSeparator()
        self._action(self.file, "&Quit", "Ctrl+Q", self._quit).setMenuRole(
            QAction.MenuRole.QuitRole)
        self.shortcuts = self._action(self.help, "&Keyboard shortcuts")
        self._action(self.help, "&About muxclipper", None, about).setMenuRole(QAction.MenuRole.AboutRole)

    def _quit(self) -> None:
        self.window_.close()

    def _focus_open_field(self, sources: SourcesPanel) -> None:
        sources.open_field.setFocus()
        sources.open_field.selectAll()

    def _trim(self, sources: SourcesPanel) -> None:
        arguments = sources.trim_arguments()
        if arguments is not None:
            sources.trim_requested.emit(*arguments)

    def _action(self, menu: QMenu, text: str, keys: str | QKeySequence.StandardKey | None = None,
                slot: Callable[[], None] | None = None) -> QAction:
        action = menu.addAction(text)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def add_panels(self, editor: EditorWidget, sources: SourcesPanel, segments: SegmentsPanel, clips: ClipsPanel,
                   creator: ClipCreator, clip_options: ClipOptionsPanel) -> None:
        """Every panel's actions into their menus (the same QAction objects: a key and its menu entry are one)."""
        self._add_file_and_help()
        actions = editor.actions_by_id
        self.open_source.triggered.connect(lambda: self._focus_open_field(sources))
        self.recent.aboutToShow.connect(lambda: self._fill_recent(sources))
        self.import_segments.triggered.connect(segments.ask_import)
        self.export_segments.triggered.connect(segments.ask_export)
        self.export_clips.triggered.connect(clips.ask_export)
        self.shortcuts.triggered.connect(editor.show_cheat_sheet)
        self.shortcuts.setShortcut(actions["cheat_sheet"].shortcuts()[0])
        actions["cheat_sheet"].setShortcuts([])  # one action for "?", or Qt finds the key ambiguous
        for menu, ids in ((self.edit, EDIT), (self.view, VIEW), (self.playback, PLAYBACK)):
            for action_id in ids:
                if action_id is None:
                    menu.addSeparator()
                elif action_id in actions:
                    menu.addAction(actions[action_id])
        self.view.addSeparator()
        display = self.view.addMenu("&Time display")
        group = QActionGroup(self)
        for index in range(editor.format_box.count()):
            choice = display.addAction(editor.format_box.itemText(index))
            choice.setCheckable(True)
            choice.setChecked(index == editor.format_box.currentIndex())
            group.addAction(choice)
            choice.triggered.connect(lambda checked=False, i=index: editor.format_box.setCurrentIndex(i))
        editor.format_box.currentIndexChanged.connect(lambda i: group.actions()[i].setChecked(True))
        only = self.view.addAction("&Only clips of the open source")
        only.setCheckable(True)
        only.setChecked(clips.only_this_source.isChecked())
        only.toggled.connect(clips.only_this_source.setChecked)
        clips.only_this_source.toggled.connect(only.setChecked)
        self.playback.addSeparator()
        mute = self.playback.addAction("&Mute")
        mute.setCheckable(True)
        mute.setShortcut(QKeySequence("M"))
        mute.toggled.connect(editor.transport.mute_button.setChecked)
        editor.transport.mute_button.toggled.connect(mute.setChecked)
        self.clip.addAction(actions["create"])
        self._action(self.clip, "&Add the range to the segments", "Ctrl+Shift+A", segments.add_requested.emit)
        extras = clip_options.extras
        self._action(self.clip, "Apply the environment's &preset", "Ctrl+Shift+R",
                     lambda: extras.preset_apply_requested.emit(""))
        self._action(self.clip, "Save the options as a preset", None,
                     lambda: extras.preset_save_requested.emit(extras.preset_box.currentText().strip()))
        self._action(self.clip, "Create a&ll segments", "Ctrl+Shift+Return",
                     lambda: creator.create_segments(segments.segments()) if segments.segments() else None)
        self._action(self.clip, "&Top and tail the selected recordings", None, lambda: self._trim(sources))
        self._action(self.clip, "Cut the &slates of the selected recordings", None,
                     lambda: sources.slate_trim_requested.emit(sources.selected_assets()))
        self.clip.addSeparator()
        self._action(self.clip, "&Refresh the sources", QKeySequence.StandardKey.Refresh, sources.load)

    def add_live(self, actions: dict[str, QAction], delays: QMenu) -> None:
        """The live replay into the Clip menu (after creating), following the live edge into Playback."""
        existing = self.clip.actions()
        if len(existing) > 1:
            after_create = existing[1]
            self.clip.insertActions(after_create, [actions["replay"], actions["undo_replay"]])
            self.clip.insertSeparator(after_create)
        else:
            self.clip.addActions([actions["replay"], actions["undo_replay"]])
        self.playback.addAction(actions["follow_live"])
        self.playback.addMenu(delays)

    def _fill_recent(self, sources: SourcesPanel) -> None:
        self.recent.clear()
        recent = sources.recent()
        for asset_id, label in recent:
            action = self.recent.addAction(label)
            action.triggered.connect(lambda checked=False, a=asset_id: sources.asset_activated.emit(a))
        if not recent:
            self.recent.addAction("No recent sources").setEnabled(False)
