"""The emulator's generated sources (``emulator://generated…``, the demo's too), shared by every test, every xdist
worker and every local run.

The emulator caches each generated source in its ``generated_dir`` by the source's spec (emulator/media/generate.py);
this gives every emulator the tests start one such folder, from the shared media cache (tests/support/media_cache.py),
keyed by the generator's code and the ffmpeg that runs it, so that a change to either makes the sources anew.
:func:`pregenerate` makes a source there under a lock first, for the sources that several emulators (one per xdist
worker) would otherwise make at the same moment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from filelock import FileLock

from muxclipper.emulator.media import ffmpeg, generate, lettering, stamp, webvtt
from tests.support.media_cache import cached_folder, code_version


def generated_dir() -> Path:
    """The folder to give an emulator as its ``generated_dir``."""
    exe = Path(ffmpeg.ffmpeg_exe())
    code = code_version(generate.__file__, stamp.__file__, webvtt.__file__, lettering.__file__,
                        extra=[exe.name, str(exe.stat().st_size) if exe.exists() else "?"])
    return cached_folder({"what": "the emulator's generated sources", "code": code})


def pregenerate(url: str) -> Path:
    """Make the generated source that ``url`` names (``emulator://generated…``) in :func:`generated_dir`, unless a
    process did before; answer its video. Any emulator given that folder then finds it made."""
    folder = generated_dir()
    spec = generate.spec_from_url(url)
    with FileLock(str(folder / f"{spec.key}.lock")):
        video, _ = generate.generate(spec, folder)
    return video


def pregenerate_demo() -> None:
    """The demo's sources (the keynote, the talk, the promo: ~40 s of ffmpeg on two quiet cores), made once."""
    for preset in generate.PRESETS:
        pregenerate(f"emulator://generated/{preset}")


def seed_demo_media(home: Path, leave: tuple[str, ...] = ()) -> Path:
    """Copy the demo's sources, made once for the suite, to where an installed app's demo keeps them in the Linux
    ``home`` given (``~/.cache/muxclipper/demo-emulator/media/generated``), but those named in ``leave``, which the
    app then makes itself. Each is ~5–30 s of ffmpeg a started demo does not spend again. Answers the folder."""
    folder = home / ".cache" / "muxclipper" / "demo-emulator" / "media" / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    for preset in generate.PRESETS:
        if preset in leave:
            continue
        video = pregenerate(f"emulator://generated/{preset}")
        for made in (video, video.with_suffix(".vtt")):  # the source and its captions, if it has them
            if made.is_file():
                shutil.copy(made, folder / made.name)
    return folder
