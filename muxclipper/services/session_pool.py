"""The sessions of every environment a window has shown, kept open until the window closes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muxclipper.services.environment import Environment
    from muxclipper.services.session import Session


class SessionPool:
    """One session per environment: an environment the window has left goes on submitting and following its clips
    (and says when they end), and coming back to it takes it up as it is. A session whose credentials, addresses or
    signing key have changed since is closed and opened anew."""

    def __init__(self, jobs_db: Path, opener: Callable[[Environment, Path], AbstractAsyncContextManager[Session]]
                 ) -> None:
        # ``opener`` is services.session.open_session, passed in: importing it here would bring httpx before the
        # window's first paint.
        self.jobs_db = jobs_db
        self.opener = opener
        self._kept: dict[str, tuple[Session, AsyncExitStack, Callable[[], None] | None]] = {}

    async def open(self, environment: Environment) -> Session:
        kept = self._kept.pop(environment.key, None)
        if kept is not None:
            session, stack, stop_following = kept
            if stop_following is not None:
                stop_following()  # the window takes its clips back, or the session goes
            # The signing key is the session's too (its URL builder signs with it): a new one opens it anew.
            if (session.environment.credentials, session.environment.endpoints, session.environment.signing_key) == (
                    environment.credentials, environment.endpoints, environment.signing_key):
                session.environment = environment  # perhaps renamed meanwhile
                self._kept[environment.key] = (session, stack, None)
                return session
            await stack.aclose()
        stack = AsyncExitStack()
        session = await stack.enter_async_context(self.opener(environment, self.jobs_db))
        self._kept[environment.key] = (session, stack, None)
        return session

    def leave(self, session: Session, stop_following: Callable[[], None]) -> None:
        """The window moves on from ``session``; ``stop_following`` ends what still tells of its clips."""
        _, stack, _ = self._kept[session.environment.key]
        self._kept[session.environment.key] = (session, stack, stop_following)

    async def aclose(self) -> None:
        kept, self._kept = self._kept, {}
        for _, stack, _ in kept.values():
            await stack.aclose()
