"""Where an asset's media lives on disk, and the manifest that describes it.

Layout under the media root::

    assets/{asset_id}/source.mp4        the frame-exact master every clip and image is cut from
    assets/{asset_id}/hls/seg_00000.ts  ~2 s MPEG-TS segments (playlists are rendered per request)
    assets/{asset_id}/text/{track}.vtt  each text track, whole
    assets/{asset_id}/audio.m4a         the audio-only static rendition, when asked for
    assets/{asset_id}/manifest.json     the facts below
    cache/…                             thumbnails, storyboards, GIFs made on demand
    generated/…                         demo sources, made once

A job works in ``assets/{asset_id}.partial`` and renames it when complete, so a directory without
that suffix is always whole, even after a kill.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TextTrackFile:
    id: str
    language_code: str
    name: str
    closed_captions: bool
    file: str  # relative to the asset directory


@dataclass(frozen=True)
class Manifest:
    frame_rate: str        # a fraction, "30000/1001"
    frames: int
    width: int
    height: int
    has_audio: bool
    segments: list[float]  # durations in seconds, in order
    mpegts_start: int      # PTS (90 kHz) of the first segment's first packet
    text_tracks: list[TextTrackFile] = field(default_factory=list)
    renditions: list[str] = field(default_factory=list)  # extra files: "audio.m4a"
    #: Sound and no picture: ``frame_rate`` is then the sample rate and ``frames`` the samples (width, height 0).
    audio_only: bool = False

    @property
    def rate(self) -> Fraction:
        return Fraction(self.frame_rate)

    @property
    def duration(self) -> float:
        return float(self.frames / self.rate)

    def segment_bounds(self) -> list[tuple[float, float]]:
        bounds, t = [], 0.0
        for length in self.segments:
            bounds.append((t, t + length))
            t += length
        return bounds

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        texts = [TextTrackFile(**t) for t in data.pop("text_tracks", [])]
        return cls(**data, text_tracks=texts)


class MediaStore:
    def __init__(self, root: Path, generated: Path | None = None) -> None:
        self.root = root
        self.generated = generated or root / "generated"
        for sub in ("assets", "cache"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self.generated.mkdir(parents=True, exist_ok=True)

    def asset_dir(self, name: str) -> Path:
        return self.root / "assets" / name

    def partial_dir(self, name: str) -> Path:
        path = self.root / "assets" / f"{name}.partial"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def publish(self, name: str, partial: Path, manifest: Manifest) -> None:
        (partial / "manifest.json").write_text(json.dumps(manifest.to_json()))
        final = self.asset_dir(name)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)

    def manifest(self, name: str) -> Manifest | None:
        path = self.asset_dir(name) / "manifest.json"
        if not path.exists():
            return None
        return Manifest.from_json(json.loads(path.read_text()))

    def remove(self, name: str) -> None:
        shutil.rmtree(self.asset_dir(name), ignore_errors=True)
        shutil.rmtree(self.root / "cache" / name, ignore_errors=True)

    def cache_dir(self, name: str) -> Path:
        path = self.root / "cache" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def clean_partials(self) -> None:
        for path in (self.root / "assets").glob("*.partial"):
            shutil.rmtree(path, ignore_errors=True)
