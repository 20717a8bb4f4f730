"""A clip of a live recording with generated captions, open in the editor: the live captions it was given are shown
while the event's final ones are being made, then the final ones replace them (the clip is followed until then),
never both."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtWidgets import QApplication

from muxclipper.emulator import EmulatorServer
from muxclipper.mux.endpoints import Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.mux.wire import asset_from_wire
from muxclipper.qt.bridge import Bridge
from muxclipper.qt.editor.editor_pictures import EditorPictures
from muxclipper.qt.editor.editor_widget import EditorWidget
from muxclipper.qt.editor.recording_watcher import RecordingWatcher
from muxclipper.services.pictures import PictureService
from tests.emulator.media_helpers import wait_settled
from tests.mux.conftest import make_client
from tests.qt.window.test_main_window import run, until


def test_a_clips_live_captions_then_the_final_ones(qapp: QApplication, media_server: EmulatorServer,
                                                   media_api: httpx.Client, stamped_source: dict[str, Any]) -> None:
    stream = media_api.post("/video/v1/live-streams", json={
        "playback_policies": ["public"], "new_asset_settings": {"playback_policies": ["public"]},
        "generated_subtitles": [{"language_code": "en", "name": "English CC (ASR)"}]}).json()["data"]
    recording = media_api.post(f"/_emulator/live-streams/{stream['id']}/start",
                               json={"source_asset_id": stamped_source["id"]}).json()["data"]
    media_api.post("/_emulator/clock/advance", json={"seconds": 7})
    made = media_api.post("/video/v1/assets", json={
        "inputs": [{"url": f"mux://assets/{recording['id']}", "start_time": 0.0, "end_time": 5.0}],
        "playback_policies": ["public"]}).json()["data"]
    clip = asset_from_wire(wait_settled(media_api, made["id"], timeout=60))
    media_api.put(f"/video/v1/live-streams/{stream['id']}/complete")  # final captions: a minute from now

    async def scenario() -> None:
        editor = EditorWidget()
        bridge = Bridge(editor)
        async with httpx.AsyncClient(timeout=10) as http:
            pictures = EditorPictures(editor, bridge)
            pictures.attach(PictureService(http, PlaybackUrls(Endpoints.for_origin(media_server.url))))
            watcher = RecordingWatcher(bridge)
            watcher.final_captions_poll_ms = 300  # the window waits 10 s between looks; a test need not
            watcher.grown.connect(pictures.follow)
            pictures.show(clip)
            watcher.watch(clip, make_client(http, media_server.url))

            def first_cue() -> str:
                track = editor._captions  # what the editor draws from
                return track.cues[0].text if track is not None else ""

            await until(lambda: first_cue().startswith("caption 1  preroll"), 5, "the clip's live captions")
            assert watcher.watching  # followed: its final captions are still being made
            media_api.post("/_emulator/clock/advance", json={"seconds": 61})
            await until(lambda: first_cue().startswith("Caption 1 · PREROLL"), 20, "the clip's final captions")
            await until(lambda: not watcher.watching, 20, "the watcher to stop")
            watcher.stop()
        editor.close()

    run(qapp, scenario)
