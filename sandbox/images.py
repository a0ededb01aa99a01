"""Reading an image's width and height from its first bytes, as Telegram must before it keeps a photo."""

import struct

_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image; None when the bytes are no image we know."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP" and content[12:16] == b"VP8X" and len(content) >= 30:
        width = int.from_bytes(content[24:27], "little") + 1
        height = int.from_bytes(content[27:30], "little") + 1
        return width, height
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            return None
        marker = content[i + 1]
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", content[i + 5 : i + 9])
            return width, height
        (length,) = struct.unpack(">H", content[i + 2 : i + 4])
        i += 2 + length
    return None


def scaled(width: int, height: int, longest: int) -> tuple[int, int]:
    """The size of a copy whose longer side is at most `longest`, proportions kept."""
    ratio = min(1.0, longest / max(width, height, 1))
    return max(1, round(width * ratio)), max(1, round(height * ratio))
