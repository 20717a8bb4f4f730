"""What the bad-input suite must not refuse: the forms real tools write that used to fail (Excel's "CSV UTF-8"
with its byte order mark, old Mac line endings, ``;`` separators, labels over two lines, ``mux://assets/ID``,
the environment's own stream URL) and the local addresses an emulator uses."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest

from muxclipper.cli.main import main as cli_main
from muxclipper.core.segments import Segment, from_csv, from_youtube_chapters
from muxclipper.core.sources import SourceRef, parse_source
from muxclipper.core.timecode import check_time_text, parse_ms
from muxclipper.services.environments import check_address
from tests.emulator.helpers import RW, Emu

PID = "AbCdEfGhIj0123456789"


@pytest.mark.parametrize(("text", "expected"), [
    ("\ufefflabel,start,end\r\nIntro,0,5\r\n", [Segment("Intro", 0, 5_000)]),       # Excel "CSV UTF-8"
    ("Intro,0,5\rTalk,5,9\r", [Segment("Intro", 0, 5_000), Segment("Talk", 5_000, 9_000)]),  # CR only
    ("label;start;end\nIntro;0,5;00:00:05,250\n", [Segment("Intro", 500, 5_250)]),  # Excel where 0,5 is a half
    ("label\tstart\tend\nIntro\t1\t2\n", [Segment("Intro", 1_000, 2_000)]),
    ('"Q&A\r\nlive",10,20\n', [Segment("Q&A  live", 10_000, 20_000)]),               # a label over two lines
    ("\n\nIntro,0,5\n", [Segment("Intro", 0, 5_000)]),
])
def test_cut_lists_real_tools_write(text: str, expected: list[Segment]) -> None:
    assert from_csv(text, Fraction(25)) == expected


def test_chapters_with_a_byte_order_mark() -> None:
    assert from_youtube_chapters("\ufeff0:00 Intro\r\n0:30 Talk\r\n", 60_000) == [
        Segment("Intro", 0, 30_000), Segment("Talk", 30_000, 60_000)]


@pytest.mark.parametrize(("text", "stream_url", "expected"), [
    (f"https://stream.mux.com/{PID}.m3u8", None, SourceRef("playback_id", PID)),
    (f"stream.mux.com/{PID}.m3u8?token=abc", None, SourceRef("playback_id", PID)),
    (f"https://stream.mux.com/{PID}.m3u8", "http://127.0.0.1:9/stream", SourceRef("playback_id", PID)),
    (f"http://127.0.0.1:9/stream/{PID}.m3u8", "http://127.0.0.1:9/stream", SourceRef("playback_id", PID)),
    (f"http://127.0.0.1:9/stream/{PID}.m3u8", None, SourceRef("playback_id", PID)),  # a copied demo clip URL
    (f"mux://assets/{PID}", None, SourceRef("id", PID)),
    (f"  {PID}\n", None, SourceRef("id", PID)),
])
def test_sources_on_the_environments_hosts(text: str, stream_url: str | None, expected: SourceRef) -> None:
    assert parse_source(text, stream_url) == expected


@pytest.mark.parametrize("text", ["12", "12,5", " 00:01:02.500 ", "#250", "250f", "00:00:10:15", "00:01:00;02",
                                  "999:59:59.999"])
def test_times_that_stay_accepted(text: str) -> None:
    check_time_text(text)
    parse_ms(text, Fraction(30000, 1001))


@pytest.mark.parametrize("url", ["https://api.mux.com", "http://127.0.0.1:8080", "http://localhost:1",
                                 "http://[::1]:9", "https://10.0.0.5:8443/mux"])
def test_addresses_that_stay_accepted(url: str) -> None:
    check_address("API", url)


def test_env_add_on_a_local_emulator_still_works(emu: Emu, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MUXCLIPPER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{RW[1]}\n"))
    code = cli_main(["env", "add", "Local emulator", "--token-id", RW[0], "--api-base-url", emu.url,
                     "--secret-stdin"])
    out, err = capsys.readouterr()
    assert code == 0, err
    # The connection is tested before anything is saved (issue 26): what it found comes first, then the addition.
    assert out.splitlines() == ["Works: the token can read assets and create clips.",
                                "Added Local emulator; its secret is in the keyring."], out
    assert RW[1] not in out + err


@pytest.mark.parametrize("name", ["Team 👩\u200d💻", "می\u200cخواهم", "Produktion – Köln", "本番"])
def test_names_in_any_script_stay_accepted(name: str) -> None:
    from muxclipper.services.environments import check_name

    assert check_name(name) == name
