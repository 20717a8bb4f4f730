"""Every URL muxclipper builds: a source asset as a clip's input (``mux://assets/…``), and playback URLs on the
stream and image hosts: HLS, MP4, caption tracks, thumbnails, storyboards, instant clips, and what a clip job's
asset can be copied or opened as.

Signed playback ids get a short-lived RS256 JWT (PyJWT) made with the environment's signing key;
with signed ids, instant-clip and image parameters go into the token's claims, as Mux requires.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from muxclipper.core.renditions import AUDIO_ONLY, HIGHEST, file_name
from muxclipper.mux.endpoints import Endpoints

if TYPE_CHECKING:
    from muxclipper.core.jobs import ClipJob
    from muxclipper.core.models import Asset, PlaybackId

AUDIENCE = {"video": "v", "thumbnail": "t", "storyboard": "s", "gif": "g"}


def asset_input(asset_id: str) -> str:
    """A source asset as the input of a clip (``POST /video/v1/assets``), and as cut lists name it."""
    return f"mux://assets/{asset_id}"


class SigningKeyError(ValueError):
    """A signing key whose private key cannot sign; the message never holds the key."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: str  # PEM, or base64 of the PEM as Mux hands it out

    def pem(self) -> bytes:
        raw = self.private_key.strip()
        if raw.startswith("-----BEGIN"):
            return raw.encode()
        return base64.b64decode(raw)

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id!r}, private_key=<hidden>)"


class PlaybackUrls:
    def __init__(self, endpoints: Endpoints, signing_key: SigningKey | None = None, *,
                 lifetime_s: int = 6 * 3600, now: Callable[[], float] = time.time) -> None:
        self.endpoints = endpoints
        self.signing_key = signing_key
        self.lifetime_s = lifetime_s
        self._now = now

    def playable(self, asset: Asset) -> PlaybackId | None:
        """The playback id the app plays and pictures ``asset`` by: its public one, else its signed one when there is
        a signing key to sign with; None when neither."""
        public = asset.playback_id("public")
        if public is not None or self.signing_key is None:
            return public
        return asset.playback_id("signed")

    def token(self, playback_id: str, audience: str, claims: dict[str, Any] | None = None) -> str:
        if self.signing_key is None:
            raise ValueError("signed playback needs a signing key in the environment's settings")
        payload = {"sub": playback_id, "aud": AUDIENCE[audience], "exp": int(self._now() + self.lifetime_s),
                   **(claims or {})}
        import jwt  # with cryptography, ~70 ms: only environments with signing keys pay it, when signing

        try:
            return jwt.encode(payload, self.signing_key.pem(), algorithm="RS256",
                              headers={"kid": self.signing_key.key_id})
        except (ValueError, TypeError, jwt.PyJWTError):  # not base64, not an RSA private key
            # from None: what the parsers say about a key is no help to the user, and stays out of tracebacks.
            raise SigningKeyError(f"The signing key {self.signing_key.key_id} cannot sign: its private key is not "
                                  "the base64 or PEM text Mux gave when the key was created; enter it again.") from None

    def _url(self, base: str, path: str, playback_id: str, policy: str, audience: str,
             params: dict[str, Any]) -> str:
        params = {k: v for k, v in params.items() if v is not None}
        if policy == "signed":
            params = {"token": self.token(playback_id, audience, params)}
        query = f"?{urlencode(params)}" if params else ""
        return f"{base.rstrip('/')}/{path}{query}"

    def hls(self, playback_id: str, policy: str = "public") -> str:
        return self._url(self.endpoints.stream, f"{playback_id}.m3u8", playback_id, policy, "video", {})

    def instant_clip(self, playback_id: str, start_ms: int, end_ms: int, policy: str = "public") -> str:
        """Segment-accurate, immediate and free: a playlist limited to the range."""
        return self._url(self.endpoints.stream, f"{playback_id}.m3u8", playback_id, policy, "video",
                         {"asset_start_time": start_ms / 1000, "asset_end_time": end_ms / 1000})

    def instant_clip_program(self, playback_id: str, start_epoch_ms: int, end_epoch_ms: int,
                             policy: str = "public") -> str:
        """An instant clip of a live stream's playback id by program time (the wall clock, epoch seconds): what
        was broadcast between the two moments, whichever recording holds it. Segment-accurate, like the others."""
        return self._url(self.endpoints.stream, f"{playback_id}.m3u8", playback_id, policy, "video",
                         {"program_start_time": start_epoch_ms / 1000, "program_end_time": end_epoch_ms / 1000})

    def instant_for_job(self, job: ClipJob, source_playback_id: str, policy: str = "public") -> str:
        """The first stage of a clip's delivery: its range on the source's own playback id, playable the moment
        the clip is queued (segment-accurate; the frame-exact asset follows)."""
        return self.instant_clip(source_playback_id, job.start_ms, job.end_ms, policy)

    def rendition(self, playback_id: str, resolution: str, policy: str = "public",
                  download: str | None = None) -> str:
        """A static rendition's file ("highest", "audio-only", "720p", …)."""
        return self.mp4(playback_id, file_name(resolution), policy, download)

    def mp4(self, playback_id: str, name: str = "highest.mp4", policy: str = "public",
            download: str | None = None) -> str:
        return self._url(self.endpoints.stream, f"{playback_id}/{name}", playback_id, policy, "video",
                         {"download": download})

    def thumbnail(self, playback_id: str, time_ms: int | None = None, *, width: int | None = None,
                  height: int | None = None, fmt: str = "jpg", policy: str = "public") -> str:
        return self._url(self.endpoints.image, f"{playback_id}/thumbnail.{fmt}", playback_id, policy, "thumbnail",
                         {"time": None if time_ms is None else time_ms / 1000, "width": width, "height": height})

    def storyboard(self, playback_id: str, fmt: str = "json", policy: str = "public") -> str:
        return self._url(self.endpoints.image, f"{playback_id}/storyboard.{fmt}", playback_id, policy,
                         "storyboard", {})

    def text_track(self, playback_id: str, track_id: str, policy: str = "public") -> str:
        """A caption track's WebVTT (Qt's player does not deliver HLS subtitles: the app reads them itself)."""
        return self._url(self.endpoints.stream, f"{playback_id}/text/{track_id}.vtt", playback_id, policy,
                         "video", {})

    def for_clip(self, job: ClipJob) -> dict[str, str]:
        """What a clip job's asset can be copied or opened as, by label ("HLS URL", …); empty until it has a public
        playback id. The window's menu and export and the command line's output all use these."""
        public = next((pid for pid, policy in job.playback_ids if policy == "public"), None)
        if public is None:
            return {}
        found = {"HLS URL": self.hls(public), "Thumbnail URL": self.thumbnail(public),
                 "Instant clip URL": self.instant_clip(public, 0, job.duration_ms)}
        for resolution in job.options.renditions:
            found[rendition_label(resolution)] = self.rendition(public, resolution)
        return found


def rendition_label(resolution: str) -> str:
    """How :meth:`PlaybackUrls.for_clip` names a rendition's URL: "MP4 URL" (the highest, as before renditions
    could be chosen), "Audio URL", "720p MP4 URL"."""
    if resolution == HIGHEST:
        return "MP4 URL"
    if resolution == AUDIO_ONLY:
        return "Audio URL"
    return f"{resolution} MP4 URL"


def url_key(label: str) -> str:
    """A label of :meth:`PlaybackUrls.for_clip` as a JSON/CSV field name: "HLS URL" → "hls_url"."""
    return label.lower().replace(" ", "_")
