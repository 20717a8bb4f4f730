"""Who may fetch a playback id's media: public ids without a token, signed ids with a valid RS256 JWT.

A signed URL carries only ``?token=``; the token's claims are ``sub`` (the playback id), ``aud``
(``v`` video, ``t`` thumbnail, ``s`` storyboard, ``g`` GIF), ``exp`` and the ``kid`` header naming a
signing key of this environment. Expiry is judged on the emulator clock.
"""

from __future__ import annotations

from typing import Any

import jwt

from muxclipper.emulator.errors import MuxApiError
from muxclipper.emulator.state import EmulatorState


class PlaybackDenied(MuxApiError):
    def __init__(self, message: str) -> None:
        super().__init__(403, [message], "forbidden")


def check_access(state: EmulatorState, playback_id: str, policy: str, token: str | None,
                 audience: str) -> dict[str, Any]:
    """The token's claims (empty for public ids); raise :class:`PlaybackDenied` otherwise."""
    if policy == "public":
        if token:
            raise PlaybackDenied("A token was given for a public playback id; public ids take none.")
        return {}
    if policy != "signed":
        raise PlaybackDenied(f"The emulator cannot play {policy} playback ids.")
    if not token:
        raise PlaybackDenied("This playback id is signed: add ?token= with a JWT made with a signing key.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise PlaybackDenied(f"The token is not a JWT: {exc}") from exc
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str):
        raise PlaybackDenied("The token must be RS256 with a kid header naming a signing key.")
    try:
        key = state.signing_key(kid)
    except MuxApiError as exc:
        raise PlaybackDenied("The token's signing key (kid) is not one of this environment's.") from exc
    try:
        claims: dict[str, Any] = jwt.decode(token, key.public_key_pem, algorithms=["RS256"], audience=audience,
                                            options={"verify_exp": False, "require": ["sub", "aud", "exp"]})
    except jwt.InvalidAudienceError as exc:
        raise PlaybackDenied(f"The token's aud is not {audience!r}, which this URL needs.") from exc
    except jwt.PyJWTError as exc:
        raise PlaybackDenied(f"The token is not valid: {exc}") from exc
    if claims.get("sub") != playback_id:
        raise PlaybackDenied("The token's sub is another playback id.")
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= state.clock.now():
        raise PlaybackDenied("The token has expired; make a new one.")
    return claims
