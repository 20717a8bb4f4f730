"""``--demo-content``: the sources a producer meets in the demo, made once and kept in the data dir.

How long the first start takes is a figure (docs/PERFORMANCE.md, ``tests/benchmarks/bench_demo_content.py``), not an
assert here: the generated sources are shared with the other tests (tests/support/generated_media.py); what is
checked is what a producer meets, and that a restart makes nothing again."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from muxclipper.emulator import EmulatorConfig, EmulatorServer
from muxclipper.emulator.config import DEMO_TOKEN
from tests.emulator.media_helpers import wait_until
from tests.support.generated_media import generated_dir, pregenerate_demo

AUTH = (DEMO_TOKEN.id, DEMO_TOKEN.secret)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_demo_content_is_made_once_and_kept(tmp_path: Path) -> None:
    pregenerate_demo()
    config = EmulatorConfig(rate_limits=None, demo_content=True, data_dir=tmp_path, generated_dir=generated_dir())
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=AUTH, timeout=10) as api:
        def all_sources_ready() -> list[dict[str, object]] | None:
            assets = api.get("/video/v1/assets").json()["data"]
            sources = [a for a in assets if str(a.get("passthrough", "")).startswith("muxclipper-demo:")]
            return sources if len(sources) == 3 and all(a["status"] == "ready" for a in sources) else None

        sources = wait_until(all_sources_ready, 120, "the demo sources to be ready")
        by_name = {str(a["passthrough"]).split(":")[1]: a for a in sources}
        assert by_name["live-event"]["duration"] == 200.0
        assert by_name["talk"]["duration"] == 600.0
        assert by_name["promo"]["duration"] == 30.0 and by_name["promo"]["max_stored_frame_rate"] == 25.0
        for name in ("live-event", "talk"):
            assert any(t["type"] == "text" for t in by_name[name]["tracks"])  # type: ignore[union-attr]
        streams = {s["meta"]["title"]: s for s in api.get("/video/v1/live-streams").json()["data"]}
        event_stream = streams["Demo: Friday keynote"]
        assert event_stream["recent_asset_ids"] == [by_name["live-event"]["id"]]
        rerun = wait_until(lambda: (s := api.get(f"/video/v1/live-streams/{streams['Demo: keynote re-run (live now)']['id']}")
                                    .json()["data"])["status"] == "active" and s, 10, "the re-run to go live")
        assert rerun["active_asset_id"]
        assert streams["Demo: studio B (idle)"]["status"] == "idle"
        # The keynote's captions say which part of the show they belong to.
        pid = by_name["live-event"]["playback_ids"][0]["id"]  # type: ignore[index]
        [track] = [t for t in by_name["live-event"]["tracks"] if t["type"] == "text"]  # type: ignore[union-attr]
        captions = httpx.get(f"{server.stream_url}/{pid}/text/{track['id']}.vtt").text
        assert "PREROLL · 00:00:16.000" in captions and "KEYNOTE · 00:00:20.000" in captions
        assert "POSTROLL · 00:03:08.000" in captions
    media = _media_files(tmp_path)
    with EmulatorServer(config) as server, httpx.Client(base_url=server.url, auth=AUTH) as api:
        assets = api.get("/video/v1/assets").json()["data"]
        again = [a for a in assets if str(a.get("passthrough", "")).startswith("muxclipper-demo:")]
        assert {a["id"] for a in again} == {a["id"] for a in sources}  # seeded once
        assert all(a["status"] == "ready" for a in again)
    assert _media_files(tmp_path) == media  # nothing made again: every file as it was


def _media_files(data_dir: Path) -> dict[str, int]:
    """Each of the assets' media files and when it was last written."""
    root = data_dir / "media" / "assets"
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
