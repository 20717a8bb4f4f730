"""Settings of one emulator run: accepted tokens, rate limits, timings, where state is kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Token:
    """An access token the emulator accepts (HTTP Basic user = ``id``, password = ``secret``)."""

    id: str
    secret: str
    read_only: bool = False

    @classmethod
    def parse(cls, text: str) -> Token:
        """Parse ``ID:SECRET`` or ``ID:SECRET:ro`` as given on the command line."""
        parts = text.split(":")
        if len(parts) == 3 and parts[2] in ("ro", "rw"):
            return cls(parts[0], parts[1], read_only=parts[2] == "ro")
        if len(parts) == 2 and parts[0] and parts[1]:
            return cls(parts[0], parts[1])
        raise ValueError("a token is ID:SECRET or ID:SECRET:ro")

    def __repr__(self) -> str:  # never print the secret, not even in a traceback
        return f"Token(id={self.id!r}, read_only={self.read_only})"


@dataclass(frozen=True)
class RateLimits:
    """Token buckets shared by every token of the environment, as Mux budgets per environment.

    Mux states 1 request/s sustained for POST on /video and 5/s for the other methods, with
    "short bursts" allowed; the burst sizes are our guess (docs/emulator.md).
    """

    post_per_second: float = 1.0
    post_burst: int = 3
    other_per_second: float = 5.0
    other_burst: int = 10


DEMO_TOKEN = Token("demo-token-id", "demo-token-secret")


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator run; tests build their own."""

    tokens: tuple[Token, ...] = (DEMO_TOKEN,)
    rate_limits: RateLimits | None = field(default_factory=RateLimits)
    data_dir: Path | None = None
    #: How long a timer-driven asset stays ``preparing`` (seconds of emulator clock).
    processing_seconds: float = 3.0
    #: Duration given to ``http(s)://`` inputs whose length the emulator does not measure.
    default_input_duration: float = 60.0
    demo_content: bool = False
    #: Make real media with ffmpeg (HLS, clips, images). Off: timer-driven, metadata only — what the
    #: REST-level tests use for speed.
    media: bool = True
    #: How many ffmpeg jobs run at once.
    media_workers: int = 2
    #: Where generated (demo and test) sources are cached; default: under the media root.
    generated_dir: Path | None = None
    #: Folders whose files ``file://`` inputs may name (for callers on this machine only); none by default.
    file_folders: tuple[Path, ...] = ()
