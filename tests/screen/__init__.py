"""The real window on a virtual X screen with a window manager: what a user sees, grabbed and measured."""
