"""``--demo-content``: the sources a producer meets in the demo, made once and kept in the data dir.

How long the first start takes is a figure (docs/PERFORMANCE.md, ``tests/benchmarks/bench_demo_content.py``), not an
assert here: the generated sources are shared with the other tests (tests/support/generated_media.py); what is
checked is what a producer meets, and that a restart makes nothing again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.emulator.config import DEMO_TOKEN
from muxclipper.emulator.media import ffmpeg
from tests.emulator.media_helpers import wait_until
from tests.support.generated_media import generated_dir, pregenerate_demo

AUTH = (DEMO_TOKEN.id, DEMO_TOKEN.secret)


def _demo_sources(api: httpx.Client) -> list[dict[str, object]]:
    return [a for a in api.get("/video/v1/assets").json()["data"]
            if str(a.get("passthrough", "")).startswith("muxclipper-demo:")]


def _start_with_a_broken_ffmpeg(config: EmulatorConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first start whose ffmpeg cannot make the demo's media (as one without a filter the demo needs could not):
    every generated source errors, with ffmpeg's reason."""
    broken = tmp_path / "broken ffmpeg"
    broken.write_text("#!/bin/sh\necho \"No such filter: 'overlay'\" >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(broken))
    ffmpeg.ffmpeg_exe.cache_clear()
    try:
        with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=AUTH, timeout=10) as api:
            errored = wait_until(lambda: (s := _demo_sources(api)) and all(a["status"] == "errored" for a in s)
                                 and s, 20, "the demo sources to error")
            assert len(errored) == 5
            assert "No such filter: 'overlay'" in str(errored[0]["errors"])
    finally:
        monkeypatch.delenv("IMAGEIO_FFMPEG_EXE")
        ffmpeg.ffmpeg_exe.cache_clear()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_demo_content_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pregenerate_demo()
    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=tmp_path / "data",
                            generated_dir=generated_dir())
    # (The broken start has a folder of its own: the suite's generated sources are made already.)
    _start_with_a_broken_ffmpeg(replace(config, generated_dir=tmp_path / "unmade"), tmp_path, monkeypatch)
    # The next start (ffmpeg fixed) makes the errored sources again: nothing is cleared by hand.
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=AUTH, timeout=10) as api:
        def all_sources_ready() -> list[dict[str, object]] | None:
            assets = api.get("/video/v1/assets").json()["data"]
            sources = [a for a in assets if str(a.get("passthrough", "")).startswith("muxclipper-demo:")]
            return sources if len(sources) == 5 and all(a["status"] == "ready" for a in sources) else None

        sources = wait_until(all_sources_ready, 120, "the demo sources to be ready")
        by_name = {str(a["passthrough"]).split(":")[1]: a for a in sources}
        assert by_name["live-event"]["duration"] == 200.0
        assert by_name["talk"]["duration"] == 600.0
        assert by_name["promo"]["duration"] == 30.0 and by_name["promo"]["max_stored_frame_rate"] == 25.0
        assert by_name["rerun"]["duration"] == 100.0  # what the re-run broadcasts: its closing slate on for 40 s
        podcast = by_name["podcast"]  # sound alone: a producer meets an audio-only asset too
        assert podcast["duration"] == 30.0 and [t["type"] for t in podcast["tracks"]] == ["audio"]  # type: ignore
        for name in ("live-event", "talk"):
            assert any(t["type"] == "text" for t in by_name[name]["tracks"])  # type: ignore[union-attr]
        streams = {s["meta"]["title"]: s for s in api.get("/video/v1/live-streams").json()["data"]}
        event_stream = streams["Demo: Friday keynote"]
        assert event_stream["recent_asset_ids"] == [by_name["live-event"]["id"]]
        rerun = wait_until(lambda: (s := api.get(f"/video/v1/live-streams/{streams['Demo: keynote re-run (live now)']['id']}")
                                    .json()["data"])["status"] == "active" and s, 10, "the re-run to go live")
        assert rerun["active_asset_id"]
        recording = api.get(f"/video/v1/assets/{rerun['active_asset_id']}").json()["data"]
        assert recording["is_live"] and recording["max_stored_frame_rate"] == 30.0
        assert streams["Demo: studio B (idle)"]["status"] == "idle"
        # The keynote's captions say which part of the show they belong to.
        pid = by_name["live-event"]["playback_ids"][0]["id"]  # type: ignore[index]
        [track] = [t for t in by_name["live-event"]["tracks"] if t["type"] == "text"]  # type: ignore[union-attr]
        captions = httpx.get(f"{server.stream_url}/{pid}/text/{track['id']}.vtt").text
        assert "PREROLL · 00:00:16.000" in captions and "KEYNOTE · 00:00:20.000" in captions
        assert "POSTROLL · 00:03:08.000" in captions
    media = _media_files(tmp_path / "data")
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=AUTH) as api:
        again = _demo_sources(api)
        assert {a["id"] for a in again} == {a["id"] for a in sources}  # seeded once
        assert all(a["status"] == "ready" for a in again)
    assert _media_files(tmp_path / "data") == media  # nothing made again: every file as it was


def _media_files(data_dir: Path) -> dict[str, int]:
    """Each of the assets' media files and when it was last written."""
    root = data_dir / "media" / "assets"
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
