"""The sources panel: the list of assets (`sources_model`), its filter and its thumbnails, and the live streams tab
(`live_streams_tab`).
May import the shared ``qt`` modules; never the window or another panel."""
