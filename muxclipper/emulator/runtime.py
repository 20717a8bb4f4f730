"""Everything one running emulator shares between its middleware and its routes."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from muxclipper.emulator.config import EmulatorConfig, RateLimits, Token
from muxclipper.emulator.faults import FaultBook
from muxclipper.emulator.ratelimit import RateLimiter
from muxclipper.emulator.requestlog import RequestLog
from muxclipper.emulator.state import EmulatorState

if TYPE_CHECKING:
    from muxclipper.emulator.media.pipeline import MediaProcessor
    from muxclipper.emulator.media.store import MediaStore


@dataclass
class Runtime:
    config: EmulatorConfig
    state: EmulatorState
    tokens: tuple[Token, ...]
    limiter: RateLimiter
    faults: FaultBook = field(default_factory=FaultBook)
    log: RequestLog = field(default_factory=RequestLog)
    media: MediaStore | None = None
    processor: MediaProcessor | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> Runtime:
        state = EmulatorState(config)
        # Buckets run on the emulator clock, so tests refill them by advancing it, not by sleeping.
        runtime = cls(config, state, config.tokens, RateLimiter(config.rate_limits, state.clock.now))
        if config.media:
            runtime._start_media()
        return runtime

    def _start_media(self) -> None:
        from muxclipper.emulator.media.pipeline import MediaProcessor
        from muxclipper.emulator.media.store import MediaStore

        if self.config.data_dir is not None:
            root = self.config.data_dir / "media"
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="mux-emulator-")
            root = Path(self._tmp.name)
        self.media = MediaStore(root, generated=self.config.generated_dir)
        self.processor = MediaProcessor(self.media, workers=self.config.media_workers)
        self.state.attach_media(self.media, self.processor)

    def close(self) -> None:
        if self.processor is not None:
            self.processor.close()
        self.state.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def set_rate_limits(self, limits: RateLimits | None) -> None:
        self.limiter = RateLimiter(limits, self.state.clock.now)
