"""Broken, hostile and non-image files the engine must refuse cleanly (evaluation and tests)."""

import io
import struct
import zlib

import numpy as np
from PIL import Image


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 30_000) -> bytes:
    """A ``side`` x ``side`` PNG (900 megapixels by default) a few hundred kB long.

    One bit per pixel through a two-colour palette keeps building it quick; a decoder that
    trusted the header would still allocate ``side``² pixels.
    """
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    chunks.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"PLTE", bytes([200, 150, 120, 90, 60, 40]))
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


def _jpeg(size=(640, 480)) -> bytes:
    rng = np.random.default_rng(3)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(
        buffer, "JPEG", quality=90
    )
    return buffer.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header claims another size."""
    data = bytearray(_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _png_with_a_changed_byte() -> bytes:
    """A PNG one bit of whose compressed pixels changed: zlib decodes it without a word."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(_jpeg())).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[data.index(b"IDAT") + 40] ^= 0x01
    return bytes(data)


def bad_inputs() -> dict[str, bytes]:
    jpeg = _jpeg()
    gif, bmp = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (300, 300), (200, 120, 90)).save(gif, "GIF")
    Image.new("RGB", (300, 300), (200, 120, 90)).save(bmp, "BMP")
    return {
        "empty": b"",
        "random_bytes": np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        "text": b"this is not a photo\n" * 50,
        "html_named_jpg": b"<!doctype html><script>alert(1)</script>",
        "pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        "gif": gif.getvalue(),
        "bmp": bmp.getvalue(),
        "truncated_jpeg": jpeg[: len(jpeg) // 3],
        # Cut off, then closed with an end marker: libjpeg fills the rest with grey.
        "truncated_jpeg_with_end_marker": jpeg[: len(jpeg) // 2] + b"\xff\xd9",
        "png_with_a_changed_byte": _png_with_a_changed_byte(),
        "jpeg_header_60000x60000": jpeg_claiming(60_000, 60_000),
        "png_bomb_900_megapixels": png_bomb(),
    }
