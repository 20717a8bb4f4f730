"""The editor panel (`editor_widget`): the player, the timeline (a marker drag is handled in `timeline`), the
transport bar, timecode fields, marker history, keys, its pictures (stills, storyboard), the watermark preview, the
slate proposals, the live recording's refresh and following its live edge. May import the shared ``qt`` modules (bridge, messages), never
the window or another panel: what it needs of them comes in through its constructor as a narrow protocol."""
