"""Environments as the window shows them: the coloured environment bar and the Environments dialog.
May import the shared ``qt`` modules; never the window or another panel."""
