"""Domain types and time maths; no Qt, no I/O."""
