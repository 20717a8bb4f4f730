"""The window's segments and clips trade cuts with editing suites: an Avid EDL with other reels and music fills the
segments with the open source's cuts and the status line says what was skipped; a damaged file leaves them as they
were; the ready clips go out as a timeline a suite relinks (each clip's MP4 that Mux made, else its HLS)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from PySide6.QtWidgets import QApplication

from muxclipper.core.jobs import JobState
from muxclipper.core.models import ClipOptions, ClipRequest
from muxclipper.core.timecode import frame_to_ms
from muxclipper.mux.client import Credentials, Endpoints
from muxclipper.qt.window.main_window import MainWindow
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.emulator.helpers import RW, Emu
from tests.qt.window.test_main_window import run, until
from tests.support.waiting import finished

DATA = Path(__file__).parents[2] / "data" / "interchange"
NTSC = Fraction(30000, 1001)


def test_segments_from_a_suites_edl_and_clips_out_as_a_timeline(qapp: QApplication, emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 400.0, "frame_rate": 29.97, "title": "Keynote", "width": 1280, "height": 720})
    emu.ctl("PUT", "config", {"processing_seconds": 1.0})

    async def scenario() -> None:
        environment = Environment("Staging", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, tmp_path / "jobs.sqlite3") as session:
            window = MainWindow(session)
            asset = await session.client.get_asset(source)
            segments = window.segments
            segments.set_source(400_000, NTSC, "Keynote", f"mux://assets/{source}")  # as opening the source does
            await finished(segments.import_from(DATA / "avid_multireel_2997df.edl"))
            assert window.status.text() == (
                "Imported 3 segments from track V1 of avid_multireel_2997df.edl; skipped 2 clips from reel B007 "
                "(another source) and track A1 (audio, 1 clip); 1 transition read as a cut.")
            cuts = [(s.start_ms, s.end_ms) for s in segments.segments()]
            assert cuts[0] == (frame_to_ms(600, NTSC), frame_to_ms(750, NTSC))  # 00:00:20;00 to 00:00:25;00
            damaged = tmp_path / "cut.fcpxml"
            damaged.write_text("<fcpxml version='1.8'><resources>")
            await finished(segments.import_from(damaged))
            assert window.status.text().startswith("Could not read cut.fcpxml as FCPXML (")
            # Seen on the real window: the first wording ran past the status line at 1280 pixels, cutting off the
            # part that says nothing was lost.
            assert window.status.fontMetrics().horizontalAdvance(window.status.text()) < 1260
            assert [(s.start_ms, s.end_ms) for s in segments.segments()] == cuts  # nothing lost
            await finished(segments.export_to(tmp_path / "back.edl"))
            assert "FCM: DROP FRAME" in (tmp_path / "back.edl").read_text()

            # Ready clips with downloads, and one still on its way: the timeline links the first ones each to an MP4
            # Mux made (the 720p where only that was asked for; the HLS where the one asked for was skipped, taller
            # than the source), and counts the last.
            session.jobs.submit([ClipRequest(source, 20_000, 25_000, ClipOptions(title="Opening",
                                                                                 renditions=("highest",)),
                                             source=asset),
                                 ClipRequest(source, 50_000, 55_000, ClipOptions(title="Small", renditions=("720p",)),
                                             source=asset),
                                 ClipRequest(source, 60_000, 65_000, ClipOptions(title="Big", renditions=("1080p",)),
                                             source=asset)])
            await until(lambda: window.clips.jobs_model.rowCount() == 3
                        and all(window.clips.jobs_model.job_at(row).state is JobState.READY for row in range(3)),
                        20, "the clips ready")
            emu.ctl("PUT", "config", {"processing_seconds": 600.0})
            session.jobs.submit([ClipRequest(source, 30_000, 40_000, ClipOptions(title="Later"), source=asset)])
            # Preparing, it already has its playback id (Mux gives one at once), but no media to link to yet.
            await until(lambda: window.clips.jobs_model.rowCount() == 4
                        and window.clips.jobs_model.job_at(0).state is JobState.PREPARING
                        and window.clips.jobs_model.job_at(0).playback_ids, 10, "the last job preparing")
            out = tmp_path / "clips.otio"
            await finished(window.clips.export_clips(out))
            assert window.status.text() == (f"Exported 3 clips to {out}; left out 1 not ready yet (no media to link "
                                            "to).")
            clips = otio.adapters.read_from_file(str(out)).find_clips()
            linked = {clip.name: clip.media_reference.target_url for clip in clips}
            assert linked["Opening"].endswith("/highest.mp4") and linked["Small"].endswith("/720p.mp4")
            assert linked["Big"].endswith(".m3u8")
            assert clips[0].metadata["muxclipper"]["source_asset_id"] == source
            await window.aclose()
            window.close()

    run(qapp, scenario)
