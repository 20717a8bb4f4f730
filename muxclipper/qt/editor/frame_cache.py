"""Decoded frames kept around the playhead, by their index in the source.

A frame step backward through a long GOP would otherwise make the decoder start again from the GOP's keyframe
(up to 250 frames back with x264's defaults) for every press; with the frames around the playhead kept, ← shows the
frame at once. The cache holds Qt's own decoded frames (shared, not copied), bounded in count and in bytes; the
frames farthest from the playhead go first.
"""

from __future__ import annotations

from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

#: At most this many frames, and at most this many bytes of pictures (estimated from each frame's size and pixel
#: format): 48 frames of 720p (~66 MB), or 30 of 1080p (~93 MB).
MAX_FRAMES = 48
MAX_BYTES = 96 * 1024 * 1024

_FOUR_BYTES = {QVideoFrameFormat.PixelFormat.Format_ARGB8888, QVideoFrameFormat.PixelFormat.Format_ARGB8888_Premultiplied,
               QVideoFrameFormat.PixelFormat.Format_XRGB8888, QVideoFrameFormat.PixelFormat.Format_BGRA8888,
               QVideoFrameFormat.PixelFormat.Format_BGRA8888_Premultiplied, QVideoFrameFormat.PixelFormat.Format_BGRX8888,
               QVideoFrameFormat.PixelFormat.Format_ABGR8888, QVideoFrameFormat.PixelFormat.Format_XBGR8888,
               QVideoFrameFormat.PixelFormat.Format_RGBA8888, QVideoFrameFormat.PixelFormat.Format_RGBX8888}


def frame_bytes(frame: QVideoFrame) -> int:
    """The memory a decoded frame holds, estimated: 4 bytes a pixel for RGB formats, 1.5 for 4:2:0 YUV, 2 else."""
    pixels = max(frame.width(), 1) * max(frame.height(), 1)
    pixel_format = frame.pixelFormat()
    if pixel_format in _FOUR_BYTES:
        return pixels * 4
    if pixel_format in (QVideoFrameFormat.PixelFormat.Format_NV12, QVideoFrameFormat.PixelFormat.Format_YUV420P,
                        QVideoFrameFormat.PixelFormat.Format_NV21, QVideoFrameFormat.PixelFormat.Format_YV12):
        return pixels * 3 // 2
    return pixels * 2


class FrameCache:
    def __init__(self, max_frames: int = MAX_FRAMES, max_bytes: int = MAX_BYTES) -> None:
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self._frames: dict[int, QVideoFrame] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, index: int) -> bool:
        return index in self._frames

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, index: int) -> QVideoFrame | None:
        return self._frames.get(index)

    def capacity(self, frame: QVideoFrame) -> int:
        """How many frames like ``frame`` fit."""
        return max(1, min(self.max_frames, self.max_bytes // max(frame_bytes(frame), 1)))

    def put(self, index: int, frame: QVideoFrame, around: int) -> None:
        """Keep ``frame`` as ``index``; then drop the frames farthest from ``around`` until within bounds."""
        old = self._frames.pop(index, None)
        if old is not None:
            self._bytes -= frame_bytes(old)
        self._frames[index] = frame
        self._bytes += frame_bytes(frame)
        self.trim(around)

    def trim(self, around: int) -> None:
        while self._frames and (len(self._frames) > self.max_frames or self._bytes > self.max_bytes):
            farthest = max(self._frames, key=lambda i: (abs(i - around), i))
            self._bytes -= frame_bytes(self._frames.pop(farthest))

    def clear(self) -> None:
        self._frames.clear()
        self._bytes = 0
