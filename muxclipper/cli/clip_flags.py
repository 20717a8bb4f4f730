"""``muxclipper clip``'s flags for the resolution tier, watermarks and presets, and the options they make.

Precedence: a flag given wins over the preset (``--preset``), which wins over the defaults; downloads asked for are
added to the preset's; the title and passthrough are always the command's own. Flags given with ``--preset`` are for
this clip only: a preset changes only with ``--save-preset``. What is finally sent ("as the source" made concrete) is decided by the job service
(core/resolution.py), as for the window.
"""

from __future__ import annotations

import argparse
from dataclasses import fields, replace

from muxclipper.core.models import ClipOptions
from muxclipper.core.renditions import normalised
from muxclipper.core.resolution import MAX_RESOLUTION_TIERS
from muxclipper.core.watermark import HORIZONTAL_ALIGNS, VERTICAL_ALIGNS, Watermark, problems
from muxclipper.services.clip_presets import OWN, PresetStore, applied

SOURCE = "source"
ALIGNS = tuple(f"{v}-{h}" for v in VERTICAL_ALIGNS for h in HORIZONTAL_ALIGNS)


def add_resolution_flag(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--max-resolution", choices=[SOURCE, *MAX_RESOLUTION_TIERS], metavar="TIER",
                       help="the clip's max_resolution_tier: source (default: the source's tier, 1080p for a source "
                            "below it), 1080p, 1440p or 2160p (never above the source's; Mux takes no 720p cap)")


def add_arguments(clip: argparse.ArgumentParser) -> None:
    """The watermark and preset groups (the resolution tier goes with what the clip is: :func:`add_resolution_flag`)."""
    group = clip.add_argument_group("watermark", "An image over the clip's picture, placed as Mux places it.")
    group.add_argument("--watermark", metavar="URL",
                       help="add this PNG or JPEG (an http(s) address Mux can fetch) over the clip's picture")
    group.add_argument("--watermark-align", choices=ALIGNS, metavar="V-H",
                       help=f"where it goes: {', '.join(ALIGNS)} (default top-left)")
    group.add_argument("--watermark-margin", metavar="V[,H]",
                       help="distance from the aligned edges, as a percentage or pixels of a 1920x1080 frame: "
                            "'5%%' (both) or '20px,3%%' (vertical, horizontal); negative moves it off the picture")
    group.add_argument("--watermark-width", metavar="SIZE", help="its width: '20%%' of the picture or '300px'")
    group.add_argument("--watermark-height", metavar="SIZE",
                       help="its height: '10%%' or '100px' (give one of width and height to keep its proportions; "
                            "neither: the image's own size on a 1920x1080 frame)")
    group.add_argument("--watermark-opacity", metavar="PERCENT", help="from '0%%' to '100%%' (default 100%%)")
    group.add_argument("--no-copy-overlays", action="store_true",
                       help="leave the source's own watermark off the clip (Mux copies it by default)")
    presets = clip.add_argument_group(
        "presets", "A preset keeps every option of the clip but its title and passthrough, per environment, shared "
                   "with the window.")
    presets.add_argument("--preset", metavar="NAME",
                         help=f"start from this environment's preset NAME, or '{OWN}' for its own (the one saved or "
                              "applied last, here or in the window). Flags given win for this clip only (the preset "
                              "is not changed); --mp4, --mp4-sizes and --audio-only add to the preset's downloads")
    presets.add_argument("--save-preset", metavar="NAME",
                         help="keep this clip's options as the preset NAME (replacing one of that name), which also "
                              "becomes the environment's own; saved once the clip passes its checks, before it is "
                              "sent")


class FlagError(ValueError):
    """A flag's value cannot be used; the message says what to type."""


def watermark_from(args: argparse.Namespace) -> Watermark | None:
    extras = [name for name in ("watermark_align", "watermark_margin", "watermark_width", "watermark_height",
                                "watermark_opacity") if getattr(args, name) is not None]
    if args.watermark is None:
        if extras:
            flag = "--" + extras[0].replace("_", "-")
            raise FlagError(f"{flag} places a watermark: give the image too, with --watermark URL.")
        return None
    vertical = horizontal = None
    if args.watermark_align:
        vertical, horizontal = args.watermark_align.split("-")
    v_margin = h_margin = None
    if args.watermark_margin:
        parts = [p.strip() for p in args.watermark_margin.split(",")]
        if len(parts) > 2:
            raise FlagError("--watermark-margin takes one value for both edges or two (vertical,horizontal), such "
                            "as '5%' or '20px,3%'.")
        v_margin, h_margin = parts[0], parts[-1]
    mark = Watermark(args.watermark, vertical, v_margin, horizontal, h_margin, args.watermark_width,
                     args.watermark_height, args.watermark_opacity)
    found = problems(mark)
    if found:
        raise FlagError(" ".join(found))
    return mark


def open_presets(args: argparse.Namespace) -> PresetStore | None:
    """The presets, when ``--preset`` or ``--save-preset`` needs them."""
    return PresetStore() if args.preset or args.save_preset else None


def options_from(args: argparse.Namespace, built: ClipOptions, environment: str,
                 presets: PresetStore | None = None) -> ClipOptions:
    """The options the command asks for: ``built`` (from the older flags) with the preset under it and the flags
    here over it. Downloads asked for (``--mp4``, ``--mp4-sizes``, ``--audio-only``) are added to the preset's, so a
    preset's podcast M4A is not lost to one more MP4 size. Nothing is saved here (:func:`remember_preset`). Raises
    :class:`FlagError` or :class:`~muxclipper.services.clip_presets.PresetError`."""
    mark = watermark_from(args)
    options = built
    if args.preset:
        presets = presets or PresetStore()
        preset = presets.get(environment, args.preset)
        defaults = ClipOptions()
        # Every option the other flags set away from its default wins over the preset.
        given = {f.name: getattr(built, f.name) for f in fields(ClipOptions)
                 if getattr(built, f.name) != getattr(defaults, f.name)}
        if args.policy is not None:
            given["playback_policies"] = (args.policy,)
        given["renditions"] = normalised((*preset.renditions, *built.renditions))
        options = replace(applied(preset, built), **given)
    if args.max_resolution is not None:
        options = replace(options, max_resolution_tier=None if args.max_resolution == SOURCE else args.max_resolution)
    if args.no_copy_overlays:
        options = replace(options, copy_overlays=False)
    if mark is not None:
        options = replace(options, watermark=mark)
    return options


def remember_preset(presets: PresetStore, environment: str, *, applied_name: str | None, saved_name: str | None,
                    options: ClipOptions) -> str | None:
    """Keep what ``--save-preset``/``--preset`` ask to keep, once the clip has passed its checks and before it is
    sent: ``--save-preset NAME`` keeps this clip's ``options`` as NAME and as the environment's own; ``--preset NAME``
    alone makes NAME, as saved, the environment's own (as the window's Apply does): this clip's one-off flags are
    never written into a preset.

    A preset to save that cannot be written raises :class:`FlagError` (the caller sends nothing); an applied preset
    that cannot be remembered as the environment's own only answers a warning, since the clip can still be made."""
    try:
        if saved_name is not None:
            presets.save(environment, saved_name, options)
        elif applied_name is not None and applied_name != OWN:
            presets.save(environment, None, presets.get(environment, applied_name))
    except OSError as exc:
        if isinstance(exc, FileExistsError):  # mkdir: a file stands where the folder should be
            why = f"{exc.filename} is a file, not a folder"
        else:
            why = f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else str(exc)
        where = f"{presets.path} ({why})"
        if saved_name is None:
            return (f"The preset {applied_name!r} could not be kept as this environment's own in {where}; the clip is "
                    "made with it all the same. Make that folder writable (or set MUXCLIPPER_CONFIG_DIR to one "
                    "that is) for '--preset env' to find it next time.")
        raise FlagError(f"The preset {saved_name!r} could not be saved to {where}. Nothing was created: make that "
                        "folder writable (or set MUXCLIPPER_CONFIG_DIR to one that is), or leave out "
                        "--save-preset.") from exc
    return None
