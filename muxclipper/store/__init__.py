"""SQLite persistence for clip jobs."""
