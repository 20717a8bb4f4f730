"""Bad-input suite: ONE table of everything a user can type, paste or drop, each refused with a clear message,
nothing sent (the emulator's request log), nothing saved changed (job history, settings file, keyring).

Surfaces: the ``clip`` command (source, times, title, passthrough), ``env add`` (name, token id, secret,
addresses, signing key file, colour, misspelt options), the window's paste/drop field (``parse_source`` as
the window calls it) and time fields (``parse_ms``), and cut-list files imported in the segments panel.
Every row also checks that no raw control character reaches the terminal or the status line.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import keyring
import pytest
from pytestqt.qtbot import QtBot

from muxclipper.cli.main import main as cli_main
from muxclipper.core.segments import Segment
from muxclipper.core.sources import SourceRefError, parse_source
from muxclipper.core.timecode import TimecodeError, parse_ms
from muxclipper.store.jobs import JobRepository
from tests.emulator.helpers import RW, Emu
from tests.support.reliability_counts import record

PID = "{pid}"        # replaced by the seeded source's playback id
SOURCE = "{source}"  # replaced by the seeded source's asset id
SECRET = "typed-secret-value-1234"
LONG = 100_000


@dataclass(frozen=True)
class Bad:
    surface: str           # "clip", "env add", "paste", "time field", "csv", "chapters"
    what: str              # what the user did, for the test id
    value: Any             # argv for commands, the text for fields and files
    said: str              # words the message must contain
    stdin: str = f"{SECRET}\n"
    #: False: refused before anything goes out; True: a read (resolving the source) may be sent first.
    reads: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def clip(*args: str, said: str, reads: bool = False, what: str = "") -> Bad:
    argv = ["clip", *args] if args and not args[0].startswith("-") else ["clip", SOURCE, *args]
    return Bad("clip", what or " ".join(a[:20] for a in args)[:60], argv, said, reads=reads)


def env_add(*args: str, said: str, what: str, stdin: str = f"{SECRET}\n") -> Bad:
    return Bad("env add", what, ["env", "add", *args], said, stdin=stdin)


CONTROLS = {"newline": "\n", "ANSI escape": "\x1b[31m", "U+202E": "\u202e", "BEL": "\x07"}

TABLE: list[Bad] = [
    # ---- times, on the command line
    clip("--start", "9" * 5000, "--end", "10", said="too long for a time", what="a 5,000-digit time"),
    clip("--start", "1", "--end", "٣", said="digits other than 0–9", what="Arabic-Indic digit"),
    clip("--start", "1", "--end", "１０", said="digits other than 0–9", what="full-width digits"),
    clip("--start", "-5", "--end", "10", said="is not a time", what="negative time"),
    clip("--start", "1e3", "--end", "2e3", said="is not a time", what="exponent"),
    clip("--start", "00:99:00", "--end", "10", said="up to 59", what="99 minutes"),
    clip("--start", "1\x1b[2J", "--end", "10", said="is not a time", what="ANSI escape in a time"),
    clip("--start", "99999999999", "--end", "99999999999.5", said="beyond 1000 hours", what="beyond any video"),
    clip("--start", "00:00:01:99", "--end", "10", said="does not exist", reads=True, what="frame 99 at 25 fps"),
    clip("--start", "20", "--end", "10", said="must come after", reads=True, what="end before start"),
    clip("--start", "1", "--end", "1.2", said="at least 0.5 s", reads=True, what="shorter than Mux allows"),
    clip("--start", "1", "--end", "600", said="past the end", reads=True, what="past the source's end"),
    # ---- what else the clip command takes
    clip("--start", "1", "--end", "5", "--title", "t" * 600, said="512", reads=True, what="title over 512"),
    clip("--start", "1", "--end", "5", "--passthrough", "p" * 300, said="passthrough", reads=True,
         what="passthrough over 255"),
    clip("--start", "1", "--end", "5", "--title", "Keynote\x1b[2J", said="control or formatting character",
         what="ANSI escape in a title"),
    clip("--start", "1", "--end", "5", "--passthrough", "a\u202eb", said="control or formatting character",
         what="U+202E in a passthrough"),
    clip(f"https://evil.example.com/{PID}.m3u8", "--start", "1", "--end", "5", said="not a Mux stream host",
         what="a real playback id on another host"),
    clip(f"https://user:pw@stream.mux.com/{PID}.m3u8", "--start", "1", "--end", "5", said="paste an https",
         what="a stream URL with a password"),
    clip("x" * LONG, "--start", "1", "--end", "5", said="100,000 characters", what="100,000-character source"),
    clip("abc\x1b[31mdef0123", "--start", "1", "--end", "5", said="is not an asset id", what="ANSI in a source"),
    clip("mux://assets/../../etc", "--start", "1", "--end", "5", said="is not an asset id", what="path in an id"),
    # ---- env add: names and token ids
    env_add("N" * LONG, "--token-id", RW[0], said="100,000 characters long", what="100,000-character name"),
    *[env_add(f"Prod{c}uction", "--token-id", RW[0], said="control or formatting character", what=f"{k} in a name")
      for k, c in CONTROLS.items()],
    env_add("Staging", "--token-id", "t" * LONG, said="must be letters, digits", what="100,000-character token id"),
    *[env_add("Staging", "--token-id", f"id{c}x", said="must be letters, digits", what=f"{k} in a token id")
      for k, c in CONTROLS.items()],
    env_add("   ", "--token-id", RW[0], said="Give the environment a name", what="blank name"),
    # ---- env add: addresses
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "https://user:pw@api.example.com",
            said="user name or password", what="address with user:password"),
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "http://api.example.com",
            said="unencrypted", what="plain http to a remote host"),
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "http://10.0.0.5:8080",
            said="unencrypted", what="plain http to a LAN address"),
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "ftp://api.example.com",
            said="must start with https://", what="not http(s)"),
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "https://api.exa\nmple.com",
            said="spaces or control characters", what="newline in an address"),
    env_add("Staging", "--token-id", RW[0], "--api-base-url", "https://api.example.com:99999",
            said="cannot be read", what="port out of range"),
    # ---- env add: secret, signing key, colour, options
    env_add("Staging", "--token-id", RW[0], said="never has", stdin="abc\x1b[31mdef\n", what="ANSI in the secret"),
    env_add("Staging", "--token-id", RW[0], said="never has", stdin="s" * LONG + "\n", what="huge secret"),
    env_add("Staging", "--token-id", RW[0], said="secret is empty", stdin="\n", what="empty secret"),
    env_add("Staging", "--token-id", RW[0], "--signing-key-id", "key1", "--signing-key-file", "/nonexistent/k.pem",
            said="cannot be read", what="missing --signing-key-file"),
    env_add("Staging", "--token-id", RW[0], "--signing-key-file", "/nonexistent/k.pem", said="needs --signing-key-id",
            what="key file without key id"),
    env_add("Staging", "--token-id", RW[0], "--colour", "red\x1b[0m", said="must look like #1565c0",
            what="colour with ANSI"),
    env_add("Staging", "--token-id", RW[0], "--secret", SECRET, said="unrecognized arguments: --secret …",
            what="--secret abbreviated (argparse)"),
    env_add("Staging", "--token-id", RW[0], f"--secret={SECRET}", said="unrecognized arguments: --secret=…",
            what="--secret=VALUE"),
    env_add("Staging", "--token", RW[0], said="required: --token-id", what="--token abbreviated"),
    env_add("Staging", "--token-id", RW[0], f"--secret-stdin={SECRET}", said="takes no value",
            what="--secret-stdin=VALUE"),
    # ---- the window's paste/drop field, and its time fields
    Bad("paste", "a real playback id on another host", f"https://evil.example.com/{PID}.m3u8", "not a Mux stream host"),
    Bad("paste", "a sheet cell with a tab", f"{PID}\tKeynote", "is not an asset id"),
    Bad("paste", "100,000 characters", "a" * LONG, "100,000 characters"),
    Bad("paste", "a javascript: URL", "javascript:alert(1)//x.m3u8", "paste an https"),
    Bad("paste", "a file URL", f"file:///tmp/{PID}.m3u8", "paste an https"),
    Bad("time field", "5,000 digits", "1" * 5000, "too long for a time"),
    Bad("time field", "Devanagari digits", "१२", "digits other than 0–9"),
    Bad("time field", "a BEL", "12\x07", "is not a time"),
    # ---- cut-list files dropped on the segments panel
    Bad("csv", "a bad time, no header (line numbers)", "Intro,0,5\n\nTalk,later,20\n", "Line 3:"),
    Bad("csv", "Arabic-Indic digits", "label,start,end\nA,١,٣\n", "Line 2: '١' has digits other than 0–9"),
    Bad("csv", "a 5,000-digit time", "A,0," + "9" * 5000 + "\n", "Line 1:"),
    Bad("csv", "a field past the csv module's limit", 'A,"' + "x" * 200_000 + '",3\n', "field larger than field limit"),
    Bad("csv", "a label longer than Mux keeps", "t" * 600 + ",0,5\n", "Line 1: the label is 600 characters"),
    Bad("csv", "two columns", "label,start,end\nIntro,5\n", "Line 2: expected label,start,end"),
    Bad("csv", "a CR inside an unquoted field (csv.Error before)", "Intro\rpart two,0,5\n", "Line 1: expected"),
    Bad("csv", "a quoted label over two lines, then a bad row", 'A,0,5\n"two\nlines",5,8\nB,x,9\n', "Line 4:"),
    Bad("chapters", "a chapter past the source's end", "0:00 Intro\n1:30:00 Encore\n", "starts at or after the end",
        extra={"duration_ms": 3_600_000}),
    Bad("chapters", "two chapters at the same time", "0:00 Intro\n2:00 A\n2:00 B\n", "Line 3: another chapter",
        extra={"duration_ms": 3_600_000}),
    Bad("chapters", "75 minutes", "0:00 Intro\n1:75:00 Late\n", "up to 59", extra={"duration_ms": 9_000_000}),
    Bad("chapters", "no time", "0:00 Intro\nEncore\n", "Line 2: expected a time", extra={"duration_ms": 60_000}),
]


def _raw_controls(text: str) -> list[str]:
    return [repr(ch) for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf")]


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], dict[str, Any]]:
    """What is saved: the settings file, the job history's rows and the keyring, read the same way before and
    after each input."""
    config, data = tmp_path / "config", tmp_path / "data"
    monkeypatch.setenv("MUXCLIPPER_CONFIG_DIR", str(config))
    monkeypatch.setenv("MUXCLIPPER_DATA_DIR", str(data))

    def read() -> dict[str, Any]:
        settings = config / "environments.json"
        jobs = data / "jobs.sqlite3"
        rows: list[str] = []
        if jobs.exists():
            repo = JobRepository(jobs)
            rows = [j.token for j in repo.all()]
            repo.close()
        ring = keyring.get_keyring()
        return {"settings": settings.read_bytes() if settings.exists() else None, "jobs": rows,
                "keyring": dict(getattr(ring, "items", {}))}

    return read


def _run_cli(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = cli_main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("bad", TABLE, ids=[f"{b.surface}: {b.what}" for b in TABLE])
def test_bad_input_is_refused_clearly_sends_nothing_and_saves_nothing(
        bad: Bad, emu: Emu, saved: Callable[[], dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], qtbot: QtBot, tmp_path: Path) -> None:
    record("bad inputs")
    [source] = emu.seed({"duration": 60.0, "frame_rate": 25.0})
    pid = emu.asset(source)["playback_ids"][0]["id"]

    def fill(text: str) -> str:
        return text.replace(SOURCE, source).replace(PID, pid)

    monkeypatch.setenv("MUX_TOKEN_ID", RW[0])
    monkeypatch.setenv("MUX_TOKEN_SECRET", RW[1])
    monkeypatch.setenv("MUX_BASE_URL", emu.url)
    before = saved()
    emu.ctl("DELETE", "requests")
    if bad.surface in ("clip", "env add"):
        argv = [fill(a) for a in bad.value]
        if bad.surface == "env add" and "--api-base-url" not in argv:
            argv += ["--api-base-url", emu.url]  # so that a wrongly accepted one would be tested (and seen)
        if bad.surface == "env add" and "--secret" not in argv and not any(a.startswith("--secret") for a in argv):
            argv.append("--secret-stdin")
        code, shown = _run_cli(argv, bad.stdin, monkeypatch, capsys)
        assert code == 2, shown
    elif bad.surface in ("paste", "time field"):
        with pytest.raises((SourceRefError, TimecodeError)) as refused:
            if bad.surface == "paste":
                parse_source(fill(bad.value))
            else:
                parse_ms(bad.value, Fraction(25))
        shown = str(refused.value)
    else:
        from muxclipper.qt.segments.segments_panel import SegmentsPanel

        panel = SegmentsPanel()
        qtbot.addWidget(panel)
        panel.set_source(bad.extra.get("duration_ms", 600_000), Fraction(25), "Source", "mux://assets/x")
        panel.set_segments([Segment("Kept", 1_000, 2_000)])
        messages: list[str] = []
        panel.message.connect(messages.append)
        dropped = tmp_path / ("list.txt" if bad.surface == "chapters" else "list.csv")
        dropped.write_text(bad.value, encoding="utf-8")
        panel.import_from(dropped)
        [shown] = messages
        assert shown.startswith("Could not import list."), shown
        assert panel.segments() == [Segment("Kept", 1_000, 2_000)]  # the list on screen is unchanged
    assert bad.said in shown, shown
    assert len(shown) < 2_000, "the message repeats what was typed at length"
    assert not _raw_controls(shown)
    assert SECRET not in shown and RW[1] not in shown
    sent = emu.requests()
    if bad.reads:
        assert all(r["method"] == "GET" for r in sent), sent
    else:
        assert sent == [], sent
    assert saved() == before
