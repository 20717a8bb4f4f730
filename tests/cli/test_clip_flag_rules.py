"""How ``muxclipper clip``'s flags combine, as a producer's scripts run them against the emulator: ``--mp4`` as a
plain flag with ``--mp4-sizes`` beside it, presets that one-off flags leave alone, a presets file that cannot be
written, ``--instant`` with flags that do not apply, and a time of day typed without quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_cli import _clips, _env, _run
from tests.emulator.helpers import Emu


def _posted(emu: Emu) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests("POST", "/video/v1/assets") if r["status"] == 201]


def _resolutions(body: dict[str, Any]) -> list[str]:
    return [r["resolution"] for r in body.get("static_renditions", [])]


# ---------------------------------------------------------------- finding 4: --mp4 is a plain flag again
def test_mp4_is_a_plain_flag_before_the_source_and_sizes_have_their_own_flag(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    env = _env(emu, tmp_path)
    # A script written before sizes existed: --mp4 right before SOURCE must not swallow it.
    old = _run(env, "clip", "--mp4", source, "--start", "0", "--end", "5")
    assert old.returncode == 0, old.stderr
    sized = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "720p,highest", "--audio-only")
    assert sized.returncode == 0, sized.stderr
    assert [_resolutions(b) for b in _posted(emu)] == [["highest"], ["highest", "audio-only", "720p"]]
    audio = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "720p,audio")
    assert audio.returncode == 2 and "--audio-only" in audio.stderr
    unknown = _run(env, "clip", source, "--start", "0", "--end", "5", "--mp4-sizes", "4k")
    assert unknown.returncode == 2 and "Unknown MP4 size '4k'" in unknown.stderr
    assert len(_clips(emu)) == 2


def test_segments_take_the_same_download_flags_as_clip(emu: Emu, tmp_path: Path) -> None:
    [source] = emu.seed({"duration": 60.0, "width": 1920, "height": 1080})
    env = _env(emu, tmp_path)
    cuts = tmp_path / "cuts.csv"
    cuts.write_text("label,start,end\nOpening,00:00:01.000,00:00:04.000\n", encoding="utf-8")
    plain = _run(env, "segments", "--mp4", source, str(cuts), "--create")
    sized = _run(env, "segments", source, str(cuts), "--create", "--mp4-sizes", "540p", "--audio-only")
    assert plain.returncode == 0 and sized.returncode == 0, plain.stderr + sized.stderr
    assert [_resolutions(b) for b in _posted(emu)] == [["highest"], ["audio-only", "540p"]]
