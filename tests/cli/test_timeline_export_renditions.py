"""``jobs --export`` links each clip to an MP4 Mux has made: the highest when there is one, else the largest
fixed size that is ready, else the HLS stream; never a file Mux skipped or has not made. Against the emulator, whose
static renditions are made or skipped as Mux does (a size taller than the source is skipped)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import opentimelineio as otio

from muxclipper.core.jobs import ClipJob, JobState
from muxclipper.core.models import ClipOptions, ClipRequest, StaticRendition
from muxclipper.mux.endpoints import Credentials, Endpoints
from muxclipper.mux.urls import PlaybackUrls
from muxclipper.services.cut_lists import clip_entries
from muxclipper.services.environment import Environment
from muxclipper.services.session import open_session
from tests.cli.test_cli import _env, _run
from tests.emulator.helpers import RW, Emu


def _submit(emu: Emu, jobs_db: Path, source: str, made: dict[str, tuple[str, ...]]) -> None:
    """The clips, saved in the history the command line reads and sent; ``jobs --watch`` follows them."""
    async def submit() -> None:
        environment = Environment("emulator", Endpoints.for_origin(emu.url), Credentials(*RW))
        async with open_session(environment, jobs_db) as session:
            asset = await session.client.get_asset(source)
            jobs = session.jobs.submit([ClipRequest(source, 1_000 * i, 1_000 * i + 5_000,
                                                    ClipOptions(title=title, renditions=renditions), source=asset)
                                        for i, (title, renditions) in enumerate(made.items())])
            while any(j.asset_id is None for j in (session.jobs.history(limit=10))):
                await asyncio.sleep(0.05)
            assert len(jobs) == len(made)

    asyncio.run(submit())


def test_the_export_links_the_mp4s_mux_made(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0, "width": 1280, "height": 720, "title": "Talk"})
    env = _env(emu, tmp_path)
    _submit(emu, tmp_path / "data" / "jobs.sqlite3", source, {
        "Only 720p": ("720p",),                     # no highest: the 720p file
        "1080p skipped": ("1080p", "480p"),         # 1080p is taller than the source: Mux skips it; 480p is made
        "Nothing made": ("1080p",),                 # skipped, and nothing else: the HLS stream
        "Highest": ("highest", "720p", "audio-only"),
    })
    emu.advance(600)
    out = tmp_path / "clips.otio"
    watched = _run(env, "jobs", "--watch", "--export", str(out))
    assert watched.returncode == 0, watched.stderr
    assert "Exported 4 clips to" in watched.stderr
    clips = otio.adapters.read_from_file(str(out)).find_clips()
    linked = {clip.name: clip.media_reference.target_url for clip in clips}
    assert linked["Only 720p"].endswith("/720p.mp4")
    assert linked["1080p skipped"].endswith("/480p.mp4")
    assert linked["Nothing made"].endswith(".m3u8")
    assert linked["Highest"].endswith("/highest.mp4")
    metadata = {clip.name: dict(clip.metadata["muxclipper"]) for clip in clips}
    assert "1080p_mp4_url" not in metadata["1080p skipped"]  # a file Mux skipped is not offered
    assert metadata["1080p skipped"]["480p_mp4_url"].endswith("/480p.mp4")


def test_a_highest_mp4_still_being_made_is_not_linked() -> None:
    """Mux makes the downloads after the clip is ready: until the highest is, a ready 720p (or the HLS) is linked."""
    job = ClipJob(1, "t" * 32, "env", "src", 0, 5_000, ClipOptions(title="Replay", renditions=("highest", "720p")),
                  JobState.READY, asset_id="clip", playback_ids=(("pb", "public"),))
    urls = PlaybackUrls(Endpoints())

    def linked(made: tuple[StaticRendition, ...] | None) -> str:
        [entry], _ = clip_entries([job], urls.for_clip, lambda _: None, lambda _: made)
        return entry.url

    preparing = StaticRendition("highest.mp4", "preparing", "highest")
    assert linked((preparing, StaticRendition("720p.mp4", "ready", "720p"))).endswith("/720p.mp4")
    assert linked((preparing, StaticRendition("720p.mp4", "preparing", "720p"))).endswith("/pb.m3u8")
    assert linked(None).endswith("/pb.m3u8")  # not known: nothing is promised
    assert linked((StaticRendition("highest.mp4", "ready", "highest"),)).endswith("/highest.mp4")
