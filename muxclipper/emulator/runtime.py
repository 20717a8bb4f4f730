"""Everything one running emulator shares between its middleware and its routes."""

from __future__ import annotations

from dataclasses import dataclass, field

from muxclipper.emulator.config import EmulatorConfig, RateLimits, Token
from muxclipper.emulator.faults import FaultBook
from muxclipper.emulator.ratelimit import RateLimiter
from muxclipper.emulator.requestlog import RequestLog
from muxclipper.emulator.state import EmulatorState


@dataclass
class Runtime:
    config: EmulatorConfig
    state: EmulatorState
    tokens: tuple[Token, ...]
    limiter: RateLimiter
    faults: FaultBook = field(default_factory=FaultBook)
    log: RequestLog = field(default_factory=RequestLog)

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> Runtime:
        state = EmulatorState(config)
        # Buckets run on the emulator clock, so tests refill them by advancing it, not by sleeping.
        return cls(config, state, config.tokens, RateLimiter(config.rate_limits, state.clock.now))

    def set_rate_limits(self, limits: RateLimits | None) -> None:
        self.limiter = RateLimiter(limits, self.state.clock.now)
