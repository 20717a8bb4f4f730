"""The segments panel: several ranges of one source, imported and exported as cut lists.
May import the shared ``qt`` modules; never the window or another panel."""
