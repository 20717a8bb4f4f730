"""The async Mux REST client; the only layer that speaks Mux's wire format."""
