"""The clip options panel: title, policy, tier, watermark and MP4 fields (`clip_extras_fields`), renditions
(`renditions_button`) and presets (`clip_presets_controller`). May import the shared ``qt`` modules; never the
window or another panel."""
