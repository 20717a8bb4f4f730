"""Static renditions a clip can be given (``static_renditions[].resolution``): ``highest`` (an MP4 at the clip's
own resolution), ``audio-only`` (an M4A: the replay as a podcast) and MP4s of a fixed height. Mux skips a fixed
size taller than the source rather than upscaling it (its rendition's status is then ``skipped``)."""

from __future__ import annotations

HIGHEST = "highest"
AUDIO_ONLY = "audio-only"
FIXED_SIZES = ("1080p", "720p", "540p", "480p", "360p", "270p")
#: Every resolution the spec enumerates for ``static_renditions[].resolution`` (bar 2160p/1440p, which need a 4K
#: tier), in the order they are offered and sent.
RENDITIONS = (HIGHEST, AUDIO_ONLY, *FIXED_SIZES)
LABELS = {HIGHEST: "MP4, highest", AUDIO_ONLY: "Audio only (M4A)",
          **{size: f"MP4, {size}" for size in FIXED_SIZES}}


class RenditionError(ValueError):
    """A rendition name muxclipper does not know; the message lists the ones it does."""


def file_name(resolution: str) -> str:
    """The file a rendition is served as on the stream host: ``highest.mp4``, ``audio.m4a``, ``720p.mp4``."""
    return "audio.m4a" if resolution == AUDIO_ONLY else f"{resolution}.mp4"


def label(resolution: str) -> str:
    return LABELS.get(resolution, resolution)


def normalised(resolutions: object) -> tuple[str, ...]:
    """Known renditions in the offered order, each once (what is saved and sent)."""
    wanted = set(resolutions) if isinstance(resolutions, (list, tuple, set, frozenset)) else set()
    return tuple(r for r in RENDITIONS if r in wanted)


def parse_list(text: str) -> tuple[str, ...]:
    """``"highest,720p"`` (also ``720``, ``audio``, ``m4a``) as renditions; raises :class:`RenditionError`."""
    found: list[str] = []
    for word in (w.strip().lower() for w in text.split(",")):
        if not word:
            continue
        name = {"audio": AUDIO_ONLY, "m4a": AUDIO_ONLY, "max": HIGHEST}.get(word, word)
        if name.isdigit():
            name += "p"
        if name not in RENDITIONS:
            raise RenditionError(f"Unknown rendition {word!r}: use {', '.join(RENDITIONS)} (comma-separated).")
        found.append(name)
    return normalised(found)


def parse_sizes(text: str) -> tuple[str, ...]:
    """``--mp4-sizes``: MP4 sizes only (``"highest,720p"``, also ``720``); raises :class:`RenditionError`, which
    points the sound alone to ``--audio-only``."""
    sizes = (HIGHEST, *FIXED_SIZES)
    found: list[str] = []
    for word in (w.strip() for w in text.split(",")):
        try:
            found.extend(parse_list(word))
        except RenditionError:
            raise RenditionError(f"Unknown MP4 size {word!r}: use {', '.join(sizes)} (comma-separated).") from None
        if found and found[-1] == AUDIO_ONLY:
            raise RenditionError(f"{word!r} is not an MP4 size; for the sound alone (an M4A) add --audio-only.")
    return normalised(found)


def clip_renditions(mp4: bool, sizes: str | None, audio_only: bool) -> tuple[str, ...]:
    """The command line's ``--mp4`` (the highest MP4), ``--mp4-sizes LIST`` and ``--audio-only`` as renditions;
    raises :class:`RenditionError`."""
    found = (*((HIGHEST,) if mp4 else ()), *(parse_sizes(sizes) if sizes else ()))
    return normalised((*found, AUDIO_ONLY) if audio_only else found)
