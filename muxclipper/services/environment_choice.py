"""Which Mux environment a run starts with, for the window and the command line alike, by one precedence:

1. ``--env NAME`` (a stored environment, by name or id);
2. else the ``MUX_TOKEN_ID`` / ``MUX_TOKEN_SECRET`` variables (with ``MUX_BASE_URL`` or ``--api-base-url``), as every
   Mux SDK reads them; one of the two set without the other is a problem, not a reason to go on to 3;
3. else the active stored environment (``muxclipper env use NAME``, or the last one chosen in the window).

A stored environment is chosen by its profile first and its secret read after (:meth:`EnvironmentChoice.read_secret`):
importing keyring and asking the Secret Service take a few hundred milliseconds, which the window spends after its
first paint. Nothing here imports keyring before that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muxclipper.services.environment import Environment, EnvironmentFace
    from muxclipper.services.environments import EnvironmentProfile, EnvironmentStore

PROCESS_KEY, DEMO_KEY = "process", "demo"  # the selector's keys of environments that are not stored
PROCESS_COLOUR, DEMO_COLOUR = "#455a64", "#6a1b9a"
NO_ENVIRONMENT = ("No Mux environment yet: add one with Environments… (or muxclipper env add NAME --token-id ID), "
                  "using an access token from the Mux dashboard (Settings → Access Tokens), or set MUX_TOKEN_ID and "
                  "MUX_TOKEN_SECRET; or run muxclipper --demo to try it without an account.")


@dataclass
class EnvironmentChoice:
    """The environment a run starts with, or why there is none (the window opens anyway, says so, and offers the
    Environments dialog; the command line exits 2 with the words); the stored environments to switch between; the
    ``MUX_TOKEN_*`` one, if set."""

    environment: Environment | None = None
    profile: EnvironmentProfile | None = None
    colour: str = PROCESS_COLOUR
    confirm_create: bool = False
    key: str | None = None
    store: EnvironmentStore | None = None
    from_variables: Environment | None = None
    problem: str | None = None

    @property
    def face(self) -> EnvironmentFace | None:
        """What the window's frame shows: the environment, or the stored one whose secret is still to be read."""
        return self.environment if self.environment is not None else self.profile

    def read_secret(self) -> None:
        """The chosen stored environment, made runnable with its secret from the keyring (or the problem, in words:
        a locked keyring, a secret missing)."""
        from muxclipper.services.credentials import KeyringUnavailableError
        from muxclipper.services.environments import ProfileError

        if self.environment is not None or self.profile is None or self.store is None:
            return
        try:
            self.environment = self.store.environment(self.profile)
        except (ProfileError, KeyringUnavailableError) as exc:
            self.problem = str(exc)


def choose_environment(env_name: str | None, api_base_url: str | None, variables: Mapping[str, str],
                       store: EnvironmentStore | None = None) -> EnvironmentChoice:
    """The choice by the precedence above. ``store``: the stored environments (opened from the settings file when
    not given). A problem (no environment yet, an unknown name, an unreadable settings file, half the variables)
    is kept in words."""
    from muxclipper.services import paths
    from muxclipper.services.credentials import KeyringSecrets
    from muxclipper.services.environment import EnvironmentError_, from_process_env
    from muxclipper.services.environments import EnvironmentStore, ProfileError

    choice = EnvironmentChoice(store=store)
    if choice.store is None:
        try:
            choice.store = EnvironmentStore(paths.environments_file(), KeyringSecrets())
        except ProfileError as exc:
            choice.problem = str(exc)
    variables_set = bool(variables.get("MUX_TOKEN_ID") or variables.get("MUX_TOKEN_SECRET"))
    variables_problem = None
    if variables_set:
        try:
            choice.from_variables = from_process_env(variables, api_base_url)
        except EnvironmentError_ as exc:
            variables_problem = str(exc)
    try:
        if env_name:
            if choice.store is None:
                return choice
            profile = choice.store.find(env_name)
        elif variables_set:
            if choice.from_variables is None:
                choice.problem = variables_problem
            else:
                choice.environment, choice.key = choice.from_variables, PROCESS_KEY
            return choice
        elif choice.store is None or choice.store.active is None:
            choice.problem = choice.problem or NO_ENVIRONMENT
            return choice
        else:
            profile = choice.store.active
    except ProfileError as exc:
        choice.problem = str(exc)
        return choice
    choice.profile = profile
    choice.colour, choice.confirm_create, choice.key = profile.colour, profile.confirm_create, profile.id
    return choice
