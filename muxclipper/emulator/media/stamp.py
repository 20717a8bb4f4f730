"""The machine-readable frame index burnt into every generated frame.

A band of ``BITS`` square blocks along the top-left edge: block ``k`` is white when bit ``k`` of the
frame's index in its source is set, black otherwise. Blocks are large enough to survive H.264 at low
bit rates and any scaling down to a quarter, so tests, benchmarks and the player's own checks can
prove which source frame is on screen.
"""

from __future__ import annotations

BITS = 20  # 2^20 frames: over 9 hours at 30 fps


def block_size(height: int) -> int:
    return max(8, height // 22)


def stamp_filter(height: int) -> str:
    """An ffmpeg filter chain that draws the band on frames of a video ``height`` pixels tall."""
    size = block_size(height)
    parts = [f"drawbox=x=0:y=0:w={size * BITS}:h={size}:color=black:t=fill"]
    for bit in range(BITS):
        parts.append(f"drawbox=x={bit * size}:y=0:w={size}:h={size}:color=white:t=fill"
                     f":enable='mod(floor(n/{2 ** bit}),2)'")
    return ",".join(parts)


def read_index(rgb: bytes, width: int, height: int, source_height: int | None = None) -> int:
    """The frame index stamped on an RGB24 frame of ``width``×``height`` pixels.

    ``source_height`` is the height the media was generated at, when the frame has been scaled.
    """
    scale = height / (source_height or height)
    size = block_size(source_height or height) * scale
    value = 0
    y = int(size / 2)
    for bit in range(BITS):
        x = int((bit + 0.5) * size)
        offset = (y * width + x) * 3
        luma = (rgb[offset] * 299 + rgb[offset + 1] * 587 + rgb[offset + 2] * 114) // 1000
        if luma > 128:
            value |= 1 << bit
    return value
