"""The sources panel: the list of assets and live streams (`sources_model`), its filter and its thumbnails.
May import the shared ``qt`` modules; never the window or another panel."""
