"""OpenTimelineIO's adapters in a frozen build: a small PyInstaller bundle with what the app's spec collects for them
(packaging/otio_bundle.py) writes and reads every suite format. Without those files OTIO finds no manifest and no
adapter (its plug-ins are found by entry points and loaded from .py files by path)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
if sys.argv[1:2] == ["__read-timelines"]:  # the parser process, as the app's entry point (muxclipper/__main__.py) starts it
    from muxclipper.services.timeline_worker import main
    sys.exit(main(sys.argv[2:]))
import tempfile
from fractions import Fraction
from pathlib import Path
from muxclipper.core.interchange import SourceIdentity
from muxclipper.core.segments import Segment
from muxclipper.services.cut_lists import read_segments, write_segments
source = SourceIdentity("abc", Fraction(30000, 1001), 4_000_000, "Keynote")
folder = Path(tempfile.mkdtemp())
for suffix in (".edl", ".xml", ".fcpxml", ".otio"):
    write_segments(folder / f"cuts{suffix}", [Segment("Open", 20_000, 185_000)], source)
    [back] = read_segments(folder / f"cuts{suffix}", source).segments
    print(suffix, back.start_ms, back.end_ms)
"""


@pytest.mark.slow
@pytest.mark.packaging
@pytest.mark.timeout(300)
def test_a_frozen_bundle_reads_and_writes_every_suite_format(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(PROBE)
    (tmp_path / "probe.spec").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "packaging")!r})
        import otio_bundle
        a = Analysis([{str(tmp_path / "probe.py")!r}], pathex=[{str(ROOT)!r}], datas=otio_bundle.datas(),
                     hiddenimports=otio_bundle.hiddenimports(),
                     excludes=["PySide6", "tkinter", "unittest", "numpy", "PIL", "httpx", "starlette", "uvicorn"])
        exe = EXE(PYZ(a.pure), a.scripts, [], exclude_binaries=True, name="probe", console=True)
        COLLECT(exe, a.binaries, a.datas, name="probe")
    """))
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath",
                    str(tmp_path / "dist"), "--workpath", str(tmp_path / "work"), str(tmp_path / "probe.spec")],
                   check=True, capture_output=True, timeout=280)
    result = subprocess.run([str(tmp_path / "dist" / "probe" / "probe")], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # 20 s and 185 s at 29.97 are cut on frames 599 and 5544: back as their first milliseconds, in every format.
    assert result.stdout.split("\n")[:4] == [f"{s} 19987 184985" for s in (".edl", ".xml", ".fcpxml", ".otio")]
