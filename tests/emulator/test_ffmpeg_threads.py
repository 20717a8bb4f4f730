"""The generated sources' x264 threads follow the ffmpeg that makes them: one thread where ffmpeg (7 and later) filters
in a thread of its own, x264's own choice where filters and encoder share one (Debian 12's 5.1, which the .deb uses)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from muxclipper.emulator.media import ffmpeg, generate


def _program(tmp_path: Path, first_line: str) -> str:
    path = tmp_path / "ffmpeg"
    path.write_text(f"#!/bin/sh\necho '{first_line}'\necho 'built with gcc 12'\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(("first_line", "major"), [
    ("ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright (c) 2000-2026 the FFmpeg developers", 9),
    ("ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers", 5),
    ("ffmpeg version N-118563-g1f7f9b5 Copyright (c) 2000-2025 the FFmpeg developers", None),
])
def test_the_major_version_is_read_from_the_program(tmp_path: Path, first_line: str, major: int | None) -> None:
    assert ffmpeg._major_version(_program(tmp_path, first_line)) == major


@pytest.mark.parametrize(("major", "threads"), [(9, ["-threads", "1"]), (7, ["-threads", "1"]), (5, []), (None, [])])
def test_one_x264_thread_only_where_ffmpeg_filters_in_its_own_thread(
        monkeypatch: pytest.MonkeyPatch, major: int | None, threads: list[str]) -> None:
    monkeypatch.setattr(ffmpeg, "major_version", lambda: major)
    for encoder in generate.ENCODERS:
        args = generate.encoder_args(encoder, 60)
        assert (args[-2:] == threads) if threads else "-threads" not in args


@pytest.mark.skipif(bool(os.environ.get("IMAGEIO_FFMPEG_EXE")), reason="another ffmpeg than the bundled one was named")
def test_the_bundled_ffmpeg_is_new_enough_for_one_thread() -> None:
    version = ffmpeg.major_version()
    assert version is not None and version >= 7, version
