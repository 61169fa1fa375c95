"""A corpus of hostile and odd uploads, built in memory (nothing is read from disk or the net).

Each entry says which outcomes are acceptable: ``ACCEPTED`` (a real photo, perhaps an odd one,
that the engine may analyse) or the error codes it may be refused with. Many accepted entries
carry a camera maker, GPS coordinates, HTML or an appended archive, so the test can check that
none of it survives into what is stored.

``build_corpus(photo=...)`` takes an optional real selfie (JPEG bytes) to derive the "odd but
real photo" variants from (CMYK, 16-bit, animated...); without one it uses a synthetic
colourful picture, which the engine reads and then fails with ``no_face``.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import cv2
import numpy as np
import pillow_heif
from PIL import Image

from chromamatch.image_loading import MAX_BYTES

ACCEPTED = "accepted"
TOO_LARGE = "image_too_large"
CORRUPT = "corrupt_image"
UNSUPPORTED = "unsupported_format"
TOO_SMALL = "image_too_small"
GREY = "grayscale_image"

# What must never be found in a stored picture (nor, for the privacy tests, in a log).
CAMERA_MAKER = "SecretCam-9F3A"
GPS_LATITUDE = (51.0, 30.0, 26.0)
MARKERS = (CAMERA_MAKER.encode(), b"<script", b"PK\x03\x04", b"Exif\x00\x00", b"<?php")


@dataclass(frozen=True)
class HostileFile:
    name: str
    data: bytes
    outcomes: frozenset[str]
    filename: str = "selfie.jpg"
    content_type: str = "image/jpeg"

    @property
    def may_be_accepted(self) -> bool:
        return ACCEPTED in self.outcomes


def _entry(name, data, *outcomes, filename="selfie.jpg", content_type="image/jpeg"):
    return HostileFile(name, data, frozenset(outcomes), filename, content_type)


# --- Pictures ---------------------------------------------------------------------------


def synthetic_photo(width: int = 480, height: int = 360) -> np.ndarray:
    """A colourful picture with skin-like tones and texture (no face)."""
    rng = np.random.default_rng(8)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack(
        [150 + 60 * x / width, 110 + 40 * y / height, 90 + 30 * (x + y) / (width + height)],
        axis=-1,
    )
    rgb += rng.normal(0, 6, rgb.shape)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _exif(**tags) -> Image.Exif:
    """EXIF with a camera maker and GPS position, the metadata an upload must not keep."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKER  # Make
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    for tag, value in tags.items():
        exif[int(tag.removeprefix("tag_"), 16)] = value
    return exif


def _save(image: Image.Image, image_format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


def _heic(image: Image.Image, **params) -> bytes:
    pillow_heif.register_heif_opener()
    return _save(image, "HEIF", quality=60, **params)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _with_segments(jpeg: bytes, *segments: bytes) -> bytes:
    """Insert segments right after SOI (where a camera puts APP1/EXIF)."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _patch_jpeg_size(jpeg: bytes, width: int, height: int) -> bytes:
    """Make the frame header (SOF0/SOF2) claim another size; the scan data stays tiny."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = jpeg.find(marker)
        if at >= 0:
            return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]
    raise ValueError("no SOF marker")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def _png(
    width: int,
    height: int,
    idat: bytes,
    *,
    colour_type: int = 2,
    depth: int = 8,
    extra: bytes = b"",
    end: bool = True,
) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + extra
        + _png_chunk(b"IDAT", idat)
        + (_png_chunk(b"IEND", b"") if end else b"")
    )


def _zeros_compressed(size: int, chunk: int = 8 << 20) -> bytes:
    """zlib of ``size`` zero bytes, made piecewise so it never holds them all."""
    compressor = zlib.compressobj(9)
    parts, zero = [], bytes(chunk)
    for start in range(0, size, chunk):
        parts.append(compressor.compress(zero[: min(chunk, size - start)]))
    parts.append(compressor.flush())
    return b"".join(parts)


def _png_bomb(width: int, height: int) -> bytes:
    """A genuine decompression bomb: every row is real, zero-filled, and squeezed by zlib."""
    return _png(width, height, _zeros_compressed((width * 3 + 1) * height))


def _solid_png(width: int, height: int, colour=(200, 140, 120)) -> bytes:
    row = b"\x00" + bytes(colour) * width
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return _png(width, height, idat)


def _zip(name: str = "shell.php", content: bytes = b"<?php system($_GET['c']); ?>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _webp_resized(webp: bytes, width: int, height: int) -> bytes:
    """Make a lossy WEBP's frame header (and its VP8X canvas, if any) claim another size."""
    data = bytearray(webp)
    vp8x = data.find(b"VP8X")
    if vp8x >= 0:
        canvas = vp8x + 8 + 4
        data[canvas : canvas + 3] = (width - 1).to_bytes(3, "little")
        data[canvas + 3 : canvas + 6] = (height - 1).to_bytes(3, "little")
    vp8 = data.find(b"VP8 ")
    if vp8 >= 0:
        start = vp8 + 8 + 6  # after the chunk header, frame tag and start code
        data[start : start + 4] = struct.pack("<HH", width & 0x3FFF, height & 0x3FFF)
    return bytes(data)


def _heic_resized(heic: bytes, width: int, height: int) -> bytes:
    """Make every 'ispe' (image spatial extents) box of a HEIC claim another size."""
    data = bytearray(heic)
    at = data.find(b"ispe")
    while at >= 0:
        data[at + 8 : at + 16] = struct.pack(">II", width, height)
        at = data.find(b"ispe", at + 4)
    return bytes(data)


def _tiff_exif(entries: list[tuple[int, int, int, bytes]], *, next_ifd: int = 0) -> bytes:
    """A little-endian EXIF block with IFD0 holding ``entries`` (tag, type, count, value)."""
    body = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")[:4]
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + body + struct.pack("<I", next_ifd)


# --- The corpus -------------------------------------------------------------------------


def build_corpus(photo: bytes | None = None) -> list[HostileFile]:
    """Every hostile entry, freshly built (about 80 of them, roughly 75 MB in all)."""
    if photo is not None:
        base = Image.open(io.BytesIO(photo)).convert("RGB")
        base.thumbnail((960, 960))
    else:
        base = Image.fromarray(synthetic_photo())
    rgb = np.asarray(base)
    jpeg = _save(base, "JPEG", quality=90)
    png = _save(base, "PNG")
    webp = _save(base, "WEBP", quality=80)
    heic = _heic(base)
    exif = _exif()
    corpus: list[HostileFile] = []
    add = corpus.append

    # Nothing, or not a picture at all (whatever the name says).
    add(_entry("empty", b"", UNSUPPORTED))
    add(_entry("one-byte", b"\xff", UNSUPPORTED))
    add(_entry("jpeg-magic-only", b"\xff\xd8\xff", CORRUPT))
    add(_entry("png-magic-only", b"\x89PNG\r\n\x1a\n", CORRUPT))
    add(
        _entry(
            "html-as-jpg", b"<!doctype html><script>alert(document.cookie)</script>", UNSUPPORTED
        )
    )
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    )
    add(_entry("svg-as-jpg", svg, UNSUPPORTED))
    add(_entry("svg", svg, UNSUPPORTED, filename="selfie.svg", content_type="image/svg+xml"))
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>'
    )
    add(_entry("xml-xxe-as-jpg", xxe, UNSUPPORTED))
    pdf = b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>\n%%EOF"
    add(_entry("pdf-as-jpg", pdf, UNSUPPORTED))
    add(_entry("zip-as-jpg", _zip(), UNSUPPORTED))
    add(_entry("php-as-jpg", b"<?php system($_GET['c']); ?>", UNSUPPORTED))
    add(_entry("windows-exe-as-jpg", b"MZ\x90\x00" + bytes(400), UNSUPPORTED))
    add(_entry("elf-as-jpg", b"\x7fELF\x02\x01\x01" + bytes(400), UNSUPPORTED))
    add(_entry("gif", _save(base, "GIF"), UNSUPPORTED, filename="selfie.gif"))
    add(_entry("bmp-as-jpg", _save(base, "BMP"), UNSUPPORTED))
    add(_entry("tiff-as-jpg", _save(base, "TIFF"), UNSUPPORTED))
    add(_entry("ico-as-jpg", _save(base, "ICO"), UNSUPPORTED))
    avif_brand = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(200)
    add(_entry("avif-brand", avif_brand, UNSUPPORTED, filename="selfie.avif"))
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(300)
    add(_entry("mp4-as-heic", mp4, UNSUPPORTED, filename="selfie.heic"))
    add(_entry("html-then-jpeg", b"<html><body>" + jpeg, UNSUPPORTED))

    # Real pictures with the wrong name or type: the content decides.
    add(_entry("png-named-jpg", png, ACCEPTED))
    add(_entry("jpeg-named-png", jpeg, ACCEPTED, filename="selfie.png", content_type="image/png"))
    add(_entry("webp-named-heic", webp, ACCEPTED, filename="x.heic", content_type="image/heic"))
    add(
        _entry("jpeg-as-text-html", jpeg, ACCEPTED, filename="index.html", content_type="text/html")
    )
    add(_entry("jpeg-path-traversal-name", jpeg, ACCEPTED, filename="../../../../etc/passwd"))
    add(_entry("jpeg-very-long-name", jpeg, ACCEPTED, filename="a" * 900 + ".jpg"))
    add(_entry("jpeg-no-extension", jpeg, ACCEPTED, filename="selfie"))

    # Cut off.
    add(_entry("jpeg-truncated-header", jpeg[:200], CORRUPT))
    add(_entry("jpeg-truncated-half", jpeg[: len(jpeg) // 2], CORRUPT))
    # An end-of-image marker glued on after the cut: libjpeg fills the rest with grey.
    add(
        _entry(
            "jpeg-truncated-half-with-eoi", jpeg[: len(jpeg) // 2] + b"\xff\xd9", ACCEPTED, CORRUPT
        )
    )
    progressive = _save(base, "JPEG", quality=90, progressive=True)
    add(_entry("jpeg-progressive-truncated", progressive[: len(progressive) * 2 // 3], CORRUPT))
    add(_entry("png-truncated-idat", png[: len(png) // 2], CORRUPT))
    add(_entry("png-without-iend", png[:-12], ACCEPTED, CORRUPT))
    bad_crc = bytearray(png)
    bad_crc[29] ^= 0xFF  # inside IHDR's CRC
    add(_entry("png-bad-crc", bytes(bad_crc), CORRUPT))
    add(_entry("webp-truncated", webp[: len(webp) // 2], CORRUPT))
    add(_entry("webp-riff-only", webp[:12], CORRUPT))
    add(_entry("heic-truncated", heic[: len(heic) // 2], CORRUPT))
    add(_entry("heic-ftyp-only", heic[:28], CORRUPT))
    garbage = bytearray(jpeg)
    garbage[len(garbage) // 3 : len(garbage) // 3 + 2000] = bytes(2000)
    add(_entry("jpeg-zeroed-scan", bytes(garbage), ACCEPTED, CORRUPT))

    # Decompression bombs and huge dimensions in tiny files.
    add(_entry("png-bomb-8000x8000", _png_bomb(8000, 8000), TOO_LARGE))
    add(_entry("png-header-60000x60000", _png(60000, 60000, zlib.compress(bytes(1000))), TOO_LARGE))
    add(
        _entry(
            "png-header-2^31", _png(2**31 - 1, 2**31 - 1, zlib.compress(b"")), TOO_LARGE, CORRUPT
        )
    )
    add(_entry("png-100000x1", _png(100000, 1, zlib.compress(bytes(300001))), TOO_SMALL))
    add(_entry("jpeg-header-60000x60000", _patch_jpeg_size(jpeg, 60000, 60000), TOO_LARGE))
    add(_entry("jpeg-header-65535x65535", _patch_jpeg_size(jpeg, 65535, 65535), TOO_LARGE))
    add(_entry("jpeg-header-0x0", _patch_jpeg_size(jpeg, 0, 0), CORRUPT, TOO_SMALL))
    # 49 megapixels claimed by a 60 kB file: under the limit, so it is decoded (grey filler).
    add(
        _entry("jpeg-header-7000x7000", _patch_jpeg_size(jpeg, 7000, 7000), ACCEPTED, CORRUPT, GREY)
    )
    add(_entry("webp-header-16383x16383", _webp_resized(webp, 16383, 16383), TOO_LARGE, CORRUPT))
    webp_x = _save(base, "WEBP", quality=80, exif=exif)
    add(_entry("webp-vp8x-16383x16383", _webp_resized(webp_x, 16383, 16383), TOO_LARGE, CORRUPT))
    add(_entry("heic-ispe-60000x60000", _heic_resized(heic, 60000, 60000), TOO_LARGE, CORRUPT))
    gif_bomb = b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x80\x00\x00" + bytes(6)
    add(
        _entry(
            "gif-header-65535x65535",
            gif_bomb + b",\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;",
            UNSUPPORTED,
        )
    )
    # zlib bombs in ancillary chunks: a 100 MB text and a 100 MB colour profile.
    ztxt = _png_chunk(b"zTXt", b"Comment\x00\x00" + _zeros_compressed(100_000_000))
    add(_entry("png-ztxt-bomb", _insert_png_chunk(png, ztxt), ACCEPTED, CORRUPT))
    iccp = _png_chunk(b"iCCP", b"icc\x00\x00" + _zeros_compressed(100_000_000))
    add(_entry("png-iccp-bomb", _insert_png_chunk(png, iccp), ACCEPTED, CORRUPT))
    # Under the pixel limit (49 megapixels of one colour): read, and stored at 4096 px.
    add(_entry("png-solid-7000x7000", _solid_png(7000, 7000), ACCEPTED))

    # Oversize bodies: refused before decoding.
    add(_entry("oversize-31mb", jpeg + bytes(31_000_000), TOO_LARGE))
    add(_entry("oversize-max-plus-one", jpeg + bytes(MAX_BYTES + 1 - len(jpeg)), TOO_LARGE))

    # Odd but real photos.
    add(_entry("cmyk-jpeg", _save(base.convert("CMYK"), "JPEG", quality=90, exif=exif), ACCEPTED))
    sixteen = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)[1]
    add(_entry("png-16-bit-rgb", sixteen.tobytes(), ACCEPTED))
    bgra16 = np.dstack(
        [cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), np.full(rgb.shape[:2], 255, np.uint8)]
    )
    add(
        _entry(
            "png-16-bit-rgba",
            cv2.imencode(".png", bgra16.astype(np.uint16) * 257)[1].tobytes(),
            ACCEPTED,
        )
    )
    grey16 = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.uint16) * 257)[1]
    add(_entry("png-16-bit-grey", grey16.tobytes(), GREY))
    add(_entry("jpeg-greyscale", _save(base.convert("L"), "JPEG"), GREY))
    add(_entry("png-greyscale-alpha", _save(base.convert("LA"), "PNG"), GREY))
    add(_entry("png-1-bit", _save(base.convert("1"), "PNG"), GREY))
    # Colourless pixels in a colour file: the worker's face search tells a black-and-white
    # selfie (grayscale_image) from a grey wall (no_face), as a failed analysis.
    add(_entry("jpeg-grey-as-rgb", _save(base.convert("L").convert("RGB"), "JPEG"), ACCEPTED))
    add(
        _entry(
            "png-palette", _save(base.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"), ACCEPTED
        )
    )
    rgba = base.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(base.size))
    add(_entry("png-rgba-transparent", _save(rgba, "PNG"), ACCEPTED))
    frames = [
        base,
        base.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        base.convert("L").convert("RGB"),
    ]
    add(
        _entry(
            "gif-animated",
            _save(frames[0], "GIF", save_all=True, append_images=frames[1:]),
            UNSUPPORTED,
        )
    )
    add(
        _entry(
            "webp-animated",
            _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], exif=exif),
            ACCEPTED,
        )
    )
    add(
        _entry(
            "png-animated",
            _save(frames[0], "PNG", save_all=True, append_images=frames[1:]),
            ACCEPTED,
        )
    )
    add(
        _entry("heic-with-exif", _heic(base, exif=exif.tobytes()), ACCEPTED, filename="selfie.heic")
    )
    add(_entry("webp-with-exif", webp_x, ACCEPTED, filename="selfie.webp"))
    add(_entry("png-with-exif", _save(base, "PNG", exif=exif), ACCEPTED))
    add(_entry("tiny-1x1", _save(Image.new("RGB", (1, 1), (200, 140, 120)), "PNG"), TOO_SMALL))
    add(_entry("small-199x800", _save(base.resize((199, 800)), "JPEG"), TOO_SMALL))
    add(
        _entry(
            "jpeg-broken-icc",
            _save(base, "JPEG", icc_profile=b"\x00" * 128 + b"junk" * 500),
            ACCEPTED,
        )
    )
    huge_icc = np.random.default_rng(1).integers(0, 256, 1_500_000, dtype=np.uint8).tobytes()
    add(_entry("jpeg-1.5mb-random-icc", _save(base, "JPEG", icc_profile=huge_icc), ACCEPTED))

    # EXIF: GPS, bad orientations, truncated, looping, huge.
    add(_entry("jpeg-exif-gps", _save(base, "JPEG", exif=exif), ACCEPTED))
    for orientation in (0, 9, 65535):
        bad = _exif(tag_0112=orientation)
        add(_entry(f"jpeg-exif-orientation-{orientation}", _save(base, "JPEG", exif=bad), ACCEPTED))
    truncated = _tiff_exif([(0x0112, 3, 1, b"\x06\x00")])[:-10]
    add(
        _entry(
            "jpeg-exif-truncated", _with_segments(jpeg, _jpeg_segment(0xE1, truncated)), ACCEPTED
        )
    )
    lying = b"Exif\x00\x00II*\x00" + struct.pack("<IH", 8, 65535) + bytes(60)
    add(
        _entry(
            "jpeg-exif-65535-entries-claimed",
            _with_segments(jpeg, _jpeg_segment(0xE1, lying)),
            ACCEPTED,
        )
    )
    loop = _tiff_exif(
        [(0x8769, 4, 1, struct.pack("<I", 8)), (0x0112, 3, 1, b"\x06\x00")], next_ifd=8
    )
    add(_entry("jpeg-exif-ifd-loop", _with_segments(jpeg, _jpeg_segment(0xE1, loop)), ACCEPTED))
    far = _tiff_exif([(0x010F, 2, 0x7FFFFFFF, struct.pack("<I", 0x7FFFFFF0))])
    add(
        _entry(
            "jpeg-exif-offset-out-of-range",
            _with_segments(jpeg, _jpeg_segment(0xE1, far)),
            ACCEPTED,
        )
    )
    add(
        _entry(
            "jpeg-exif-bad-tiff-header",
            _with_segments(jpeg, _jpeg_segment(0xE1, b"Exif\x00\x00XX" + bytes(40))),
            ACCEPTED,
        )
    )
    big_ifd = [(0x9000 + i, 2, 60, struct.pack("<I", 8)) for i in range(5000)]
    huge = _tiff_exif(big_ifd)[:65533]
    padding = [_jpeg_segment(0xE1, b"Exif\x00\x00" + CAMERA_MAKER.encode() * 4000)] * 100
    add(
        _entry(
            "jpeg-exif-huge-6mb",
            _with_segments(jpeg, _jpeg_segment(0xE1, huge), *padding),
            ACCEPTED,
        )
    )

    # Polyglots: a real photo that is also something else.
    add(_entry("jpeg-plus-zip", jpeg + _zip(), ACCEPTED))
    add(_entry("png-plus-zip", png + _zip(), ACCEPTED))
    comment = b"<html><script>alert(document.cookie)</script></html>"
    add(_entry("jpeg-html-in-comment", _save(base, "JPEG", comment=comment), ACCEPTED))
    add(
        _entry(
            "jpeg-php-in-exif",
            _save(base, "JPEG", exif=_exif(tag_010e="<?php system($_GET['c']); ?>")),
            ACCEPTED,
        )
    )
    text = _png_chunk(b"tEXt", b"Comment\x00" + comment)
    add(_entry("png-html-in-text-chunk", _insert_png_chunk(png, text), ACCEPTED))
    add(_entry("jpeg-pdf-polyglot", _with_segments(jpeg, _jpeg_segment(0xFE, pdf)), ACCEPTED))
    add(
        _entry(
            "gifar",
            _save(base, "GIF") + _zip("META-INF/MANIFEST.MF", b"Main-Class: X"),
            UNSUPPORTED,
        )
    )
    return corpus


def real_photo_variants(photo: bytes) -> dict[str, bytes]:
    """Odd encodings of a real selfie that must still be analysed, each carrying GPS EXIF
    where the format can hold it."""
    pillow_heif.register_heif_opener()
    face = Image.open(io.BytesIO(photo)).convert("RGB")
    exif = _exif()
    bgr = cv2.cvtColor(np.asarray(face), cv2.COLOR_RGB2BGR)
    mirrored = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return {
        "cmyk-jpeg": _save(face.convert("CMYK"), "JPEG", quality=92, exif=exif),
        "png-16-bit": cv2.imencode(".png", bgr.astype(np.uint16) * 257)[1].tobytes(),
        "webp-animated": _save(face, "WEBP", save_all=True, append_images=[mirrored], exif=exif),
        "heic-exif-gps": _heic(face, exif=exif.tobytes()),
        "jpeg-exif-gps": _save(face, "JPEG", quality=92, exif=exif),
    }


def _insert_png_chunk(png: bytes, chunk: bytes) -> bytes:
    """Insert an ancillary chunk right after IHDR (8-byte signature + 25-byte IHDR chunk)."""
    return png[:33] + chunk + png[33:]
