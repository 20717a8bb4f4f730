"""Real media for the emulator: generation, ingest, frame-exact clips, HLS, captions, images."""
