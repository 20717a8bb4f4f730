""""As the source" made concrete, the watermark checked and placed as Mux does, and options kept field by field."""

from __future__ import annotations

import json

import pytest

from muxclipper.core.models import Asset, AssetStatus, ClipOptions, ClipRequest
from muxclipper.core.options_codec import OptionsFormatError, options_from_json, options_to_json
from muxclipper.core.resolution import resolve, source_cap, tiers_above_source
from muxclipper.core.watermark import Watermark, place, problems
from muxclipper.mux.wire import clip_to_wire


def _source(tier: str | None, quality: str | None = "premium") -> Asset:
    return Asset("src", AssetStatus.READY, 0, duration_ms=60_000, resolution_tier=tier, video_quality=quality)


@pytest.mark.parametrize(("tier", "sent"), [
    ("2160p", "2160p"), ("1440p", "1440p"), ("1080p", "1080p"),
    ("720p", "1080p"),        # below every cap Mux takes: the lowest keeps it as it is
    ("audio-only", "1080p"),
    (None, None),             # the source does not say: Mux decides
])
def test_as_the_source_sends_the_sources_tier_and_quality(tier: str | None, sent: str | None) -> None:
    resolved = resolve(ClipOptions(), _source(tier))
    assert (resolved.max_resolution_tier, resolved.video_quality) == (sent, "premium")


def test_a_clip_of_sound_alone_is_sent_no_resolution_cap() -> None:
    podcast = Asset("pod", AssetStatus.READY, 0, resolution_tier="audio-only", audio_only=True, video_quality="basic")
    assert resolve(ClipOptions(max_resolution_tier="1440p"), podcast).max_resolution_tier is None
    assert resolve(ClipOptions(), podcast).video_quality == "basic"


def test_a_source_that_does_not_say_its_tier_is_judged_by_its_picture() -> None:
    recording = Asset("rec", AssetStatus.PREPARING, 0, width=3840, height=2160, video_quality="plus")
    assert resolve(ClipOptions(), recording).max_resolution_tier == "2160p"
    portrait = Asset("p", AssetStatus.READY, 0, width=1080, height=1920)
    assert resolve(ClipOptions(), portrait).max_resolution_tier == "1080p"


def test_a_chosen_tier_and_quality_are_kept_and_a_tier_above_the_source_is_brought_down() -> None:
    chosen = ClipOptions(max_resolution_tier="1080p", video_quality="basic")
    assert resolve(chosen, _source("2160p")) == chosen
    assert resolve(ClipOptions(max_resolution_tier="2160p"), _source("1440p")).max_resolution_tier == "1440p"
    assert tiers_above_source(_source("1080p")) == ("1440p", "2160p")
    assert tiers_above_source(_source("2160p")) == ()
    assert source_cap(None) is None


def test_the_4k_source_clip_asks_for_2160p() -> None:
    options = resolve(ClipOptions(), _source("2160p", "plus"))
    body = clip_to_wire(ClipRequest("src", 1000, 5000, options), "tag")
    assert (body["max_resolution_tier"], body["video_quality"]) == ("2160p", "plus")
    assert "copy_overlays" not in body and len(body["inputs"]) == 1  # Mux's default (true) is not repeated


def test_a_watermark_is_a_second_input_and_copy_overlays_false_is_sent() -> None:
    mark = Watermark("https://example.com/logo.png", vertical_align="bottom", horizontal_align="right",
                     vertical_margin="5%", width="20%", opacity="70%")
    body = clip_to_wire(ClipRequest("src", 0, 2000, ClipOptions(watermark=mark, copy_overlays=False)), "tag")
    assert body["copy_overlays"] is False
    assert body["inputs"][1] == {"url": "https://example.com/logo.png", "overlay_settings": {
        "vertical_align": "bottom", "vertical_margin": "5%", "horizontal_align": "right", "width": "20%",
        "opacity": "70%"}}


@pytest.mark.parametrize(("mark", "complaint"), [
    (Watermark("logo.png"), "must be an http:// or https:// address"),
    (Watermark("https://x/l.png", vertical_align="center"), "vertical align must be one of top, middle, bottom"),
    (Watermark("https://x/l.png", horizontal_align="middle"), "horizontal align must be one of left, center, right"),
    (Watermark("https://x/l.png", vertical_margin="10"), "vertical margin must be a percentage or pixels"),
    (Watermark("https://x/l.png", width="-5%"), "width must be a positive percentage or pixels"),
    (Watermark("https://x/l.png", height="0px"), "height must be a positive"),
    (Watermark("https://x/l.png", opacity="101%"), "opacity must be a percentage from \"0%\" to \"100%\""),
    (Watermark("https://x/l.png", opacity="50"), "opacity must be a percentage"),
])
def test_watermark_problems_say_what_to_type(mark: Watermark, complaint: str) -> None:
    found = problems(mark)
    assert len(found) == 1 and complaint in found[0], found


def test_sound_watermarks_have_no_problems() -> None:
    assert problems(Watermark("https://x/l.png", "middle", "-10%", "center", "40px", "20%", "100px", "0%")) == []


def test_placement_as_mux_describes_it() -> None:
    # Bottom right, 5 % in from the right, 10 px (of a 1920x1080 frame) up from the bottom, a fifth of the width.
    spot = place(Watermark("https://x", "bottom", "10px", "right", "5%", width="20%"), (640, 360), (100, 50))
    assert (spot.x, spot.width, spot.height) == (480, 128, 64)
    assert spot.y == pytest.approx(360 - 64 - 10 / 3)
    # No size: the image's own pixels on a 1920x1080 frame; middle and center shift by their margins.
    spot = place(Watermark("https://x", "middle", "-20px", "center", "30px", opacity="25%"), (960, 540), (200, 100))
    assert (spot.width, spot.height, spot.opacity) == (100, 50, 0.25)
    assert (spot.x, spot.y) == (430 + 15, 245 - 10)
    # A height alone keeps the image's proportions.
    assert place(Watermark("https://x", height="50%"), (1920, 1080), (400, 100)).width == 2160


def test_options_survive_json_field_by_field() -> None:
    options = ClipOptions(("signed",), "plus", ("highest",), "Keynote", "pt", "1440p", False,
                          Watermark("https://x/l.png", "bottom", opacity="50%"))
    assert options_from_json(json.loads(json.dumps(options_to_json(options)))) == options
    # An older entry lacks the newer fields (defaults), a newer one has fields this version does not know (ignored).
    assert options_from_json({"video_quality": "basic", "from_the_future": 1}) == ClipOptions(video_quality="basic")


@pytest.mark.parametrize(("data", "field"), [
    ({"copy_overlays": "yes"}, "options.copy_overlays"),
    ({"watermark": {"vertical_align": "top"}}, "options.watermark"),
    ({"watermark": {"url": 5}}, "options.watermark"),
    ({"playback_policies": "public"}, "options.playback_policies"),
    ([], "options"),
])
def test_a_damaged_entry_names_its_field(data: object, field: str) -> None:
    with pytest.raises(OptionsFormatError, match=field.replace(".", r"\.")):
        options_from_json(data)
