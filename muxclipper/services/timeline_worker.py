"""The parser process: reads suites' timelines (EDL, FCP 7 XML, FCPXML, OTIO) with OpenTimelineIO, in a process of
its own, so that a crash in its native code (OTIO segfaults on some damaged ``.otio`` files) ends this process, not
the window or the command that asked.

Started by ``services/timeline_process.py`` as ``muxclipper __read-timelines`` (``python -m muxclipper …`` from a
checkout, the app's own executable when frozen). It first limits itself (address space and CPU time, where the
platform has ``resource``), then answers requests, one JSON object a line on stdin, one answer a line on stdout, in
order: ``{"ok": {...}}`` with the segments of the open source, or ``{"error": "message"}`` saying what is wrong with
the file. The parent knows which request a crash was on by the answers it has.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from typing import Any


def _limit(memory_mb: int, cpu_s: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout is the only limit
        return
    for kind, value in ((resource.RLIMIT_AS, memory_mb * 1024 * 1024), (resource.RLIMIT_CPU, cpu_s)):
        _, hard = resource.getrlimit(kind)
        if hard == resource.RLIM_INFINITY or value < hard:
            resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """One request read and turned into segments, or the error in words."""
    from muxclipper.core.interchange import SourceIdentity, segments_from_timeline
    from muxclipper.core.segments import SegmentListError
    from muxclipper.services.cut_lists import CutListError, timeline_from_text

    source = SourceIdentity(str(request["asset_id"]), Fraction(*request["rate"]), int(request["duration_ms"]),
                            str(request["title"]), tuple(request["playback_ids"]), str(request["url"]))
    name = str(request["name"])
    try:
        timeline = timeline_from_text(str(request["text"]), str(request["adapter"]), source.rate, name)
        found = segments_from_timeline(timeline, source, name)
    except CutListError as exc:
        return {"error": str(exc)}
    except SegmentListError as exc:
        return {"error": f"Could not import {name}: {exc}"}
    except Exception as exc:  # noqa: BLE001 — whatever OTIO's objects raise on a damaged file is the file's fault
        return {"error": f"Could not read {name}: {type(exc).__name__}: {str(exc)[:120]}; export it again from the "
                         "editing suite, or in another format. Nothing was changed."}
    return {"ok": {"segments": [[s.label, s.start_ms, s.end_ms, s.line, s.where] for s in found.segments],
                   "track": found.track, "reel": found.reel, "skipped": found.skipped, "notes": found.notes}}


def main(argv: list[str]) -> int:
    memory_mb, cpu_s = (int(argv[0]), int(argv[1])) if len(argv) >= 2 else (1024, 30)
    _limit(memory_mb, cpu_s)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    import opentimelineio  # noqa: F401 — loaded before the first request, so a slow import is not its time

    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            reply = answer(request)
        except (ValueError, KeyError, TypeError) as exc:
            reply = {"error": f"a request the parser could not read ({exc})"}
        except MemoryError:
            reply = {"error": "reading it needed more memory than a cut list may"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0
