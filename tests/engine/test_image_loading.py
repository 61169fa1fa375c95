"""Uploaded bytes become a trustworthy sRGB array, or a refusal with the right code."""

import io
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
import simplejpeg
from PIL import Image, ImageCms

from chromamatch import image_loading
from chromamatch.colour import linear_to_srgb, srgb_to_linear
from chromamatch.errors import AnalysisError
from chromamatch.image_loading import (
    ANALYSIS_MAX_SIDE,
    MAX_BYTES,
    MAX_PIXELS,
    MIN_SIDE,
    LoadedImage,
    encode_jpeg,
    face_chroma_spread,
    load_image,
    refuse_one_tint,
    turned,
)
from tests.engine.pictures import toned

REPO = Path(__file__).resolve().parents[2]

RED, GREEN, BLUE, YELLOW = (220, 40, 40), (40, 200, 60), (40, 60, 210), (230, 210, 40)


def quadrants(width: int = 320, height: int = 240, colours=(RED, GREEN, BLUE, YELLOW)):
    """A picture split into top-left, top-right, bottom-left and bottom-right colours."""
    top_left, top_right, bottom_left, bottom_right = colours
    rgb = np.empty((height, width, 3), np.uint8)
    rgb[: height // 2, : width // 2] = top_left
    rgb[: height // 2, width // 2 :] = top_right
    rgb[height // 2 :, : width // 2] = bottom_left
    rgb[height // 2 :, width // 2 :] = bottom_right
    return rgb


def quadrant_colours(rgb: np.ndarray) -> list[np.ndarray]:
    """The mean colour near the middle of each quadrant: TL, TR, BL, BR."""
    height, width = rgb.shape[:2]
    patches = []
    for row in (height // 4, 3 * height // 4):
        for column in (width // 4, 3 * width // 4):
            patch = rgb[row - 8 : row + 8, column - 8 : column + 8].reshape(-1, 3)
            patches.append(patch.mean(axis=0))
    return patches


def assert_quadrants(rgb: np.ndarray, expected_colours, tolerance: float) -> None:
    for measured, expected in zip(quadrant_colours(rgb), expected_colours, strict=True):
        assert np.abs(measured - expected).max() < tolerance, (measured, expected)


def encode(image, image_format: str, **params) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    if image_format == "HEIF":
        pillow_heif.from_pillow(image).save(buffer, quality=90, **params)
    else:
        image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


def png_bytes(
    width: int, height: int, bit_depth: int, colour_type: int, rows, palette: bytes = b""
) -> bytes:
    """A PNG written by hand, for what Pillow cannot write: 16-bit RGB, gigapixel bombs.

    ``rows`` yields the filtered scanlines (filter byte included) in chunks of any size;
    ``palette`` is the PLTE body (RGB triples) for colour type 3.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(part) for part in rows) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + (chunk(b"PLTE", palette) if palette else b"")
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header claiming another size."""
    start = data.index(b"\xff\xc0")
    return data[: start + 5] + struct.pack(">HH", height, width) + data[start + 9 :]


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(AnalysisError) as raised:
        load_image(data, **kwargs)
    return raised.value.code


@pytest.fixture(scope="module")
def face(shared_faces) -> Image.Image:
    """A real studio portrait, shrunk so that encoding it in every format stays quick."""
    with Image.open(shared_faces / "images" / "001_03.jpg") as image:
        return image.convert("RGB").resize((600, 600), Image.Resampling.LANCZOS)


@pytest.mark.parametrize(
    ("image_format", "params", "expected"),
    [
        ("JPEG", {"quality": 95}, "jpeg"),
        ("PNG", {}, "png"),
        ("WEBP", {"quality": 95}, "webp"),
        ("HEIF", {}, "heif"),
    ],
)
def test_it_reads_each_supported_format_from_its_content(face, image_format, params, expected):
    loaded = load_image(encode(face, image_format, **params))

    assert isinstance(loaded, LoadedImage)
    assert loaded.format == expected
    assert loaded.rgb.shape == (600, 600, 3)
    assert loaded.rgb.dtype == np.uint8 and loaded.rgb.flags.c_contiguous
    assert loaded.original_size == (600, 600) and loaded.scale == 1.0
    difference = np.abs(loaded.rgb.astype(int) - np.asarray(face, dtype=int))
    assert difference.mean() < 3


def test_it_reads_the_dataset_jpeg_at_half_size_without_resampling_it(shared_faces, monkeypatch):
    data = (shared_faces / "images" / "001_03.jpg").read_bytes()
    resized = []
    real_resize = image_loading.cv2.resize
    monkeypatch.setattr(
        image_loading.cv2, "resize", lambda *a, **k: resized.append(a[1]) or real_resize(*a, **k)
    )

    loaded = load_image(data)

    # Half of 1350 px is within an eighth above the 640 px asked for: kept as decoded.
    assert ANALYSIS_MAX_SIDE == 640
    assert loaded.rgb.shape == (675, 675, 3)
    assert resized == []
    assert loaded.original_size == (1350, 1350)
    assert loaded.scale == 0.5
    with pytest.raises(ValueError):
        loaded.rgb[0, 0] = 0


def test_it_downscales_a_large_png_and_never_upscales_a_small_one():
    wide = load_image(encode(quadrants(2600, 1300), "PNG"))
    resampled = load_image(encode(quadrants(1000, 500), "PNG"))
    small = load_image(encode(quadrants(300, 250), "PNG"))

    # A box reduction by 4 lands within an eighth of the size asked for: no resampling after it.
    assert wide.rgb.shape == (325, 650, 3)
    assert wide.original_size == (2600, 1300)
    assert wide.scale == 0.25
    assert_quadrants(wide.rgb, (RED, GREEN, BLUE, YELLOW), 2)
    # No whole reduction fits 1000 px: it is resampled to the size asked for exactly.
    assert resampled.rgb.shape == (320, 640, 3) and resampled.scale == 0.64
    assert_quadrants(resampled.rgb, (RED, GREEN, BLUE, YELLOW), 2)
    assert small.rgb.shape == (250, 300, 3) and small.scale == 1.0


def decoded_sizes(monkeypatch, owner, name: str) -> list[tuple[int, int]]:
    """The (width, height) of each picture that ``owner.name``, a decoder, returns from now."""
    sizes = []
    real_decode = getattr(owner, name)

    def recording_decode(*args, **kwargs):
        decoded = real_decode(*args, **kwargs)
        sizes.append((decoded.shape[1], decoded.shape[0]))
        return decoded

    monkeypatch.setattr(owner, name, recording_decode)
    return sizes


def test_it_decodes_a_12_megapixel_jpeg_at_reduced_size(face, monkeypatch):
    drafted_sizes = decoded_sizes(monkeypatch, image_loading.simplejpeg, "decode_jpeg")
    data = encode(face.resize((4000, 3000), Image.Resampling.BILINEAR), "JPEG", quality=90)

    loaded = load_image(data)
    thumbnail = load_image(data, max_side=500)

    # The smallest M/8 decode still at least the size asked for: 2/8 for 640 px, 1/8 for 500.
    assert drafted_sizes == [(1000, 750), (500, 375)]
    assert loaded.rgb.shape == (480, 640, 3)
    assert loaded.original_size == (4000, 3000) and loaded.scale == pytest.approx(0.16)
    assert thumbnail.rgb.shape == (375, 500, 3)


def test_it_decodes_a_12_megapixel_webp_at_reduced_size(face, monkeypatch):
    # Pillow would hold it at four bytes a pixel, copied twice (docs/large_pictures.md).
    sizes = decoded_sizes(monkeypatch, image_loading.cv2, "imdecode")
    large = face.resize((4000, 3000), Image.Resampling.BILINEAR)

    loaded = load_image(encode(large, "WEBP", quality=90))

    # Reduced by 4 as it is decoded (the largest of 2, 4 and 8 that keeps 640 x 480), then
    # resampled the rest of the way.
    assert sizes == [(1000, 750)]
    assert loaded.rgb.shape == (480, 640, 3)
    assert loaded.original_size == (4000, 3000) and loaded.scale == pytest.approx(0.16)
    expected = np.asarray(large.resize((640, 480), Image.Resampling.LANCZOS), dtype=int)
    assert np.abs(loaded.rgb.astype(int) - expected).mean() < 2


# What the person sees at the top-left, top-right, bottom-left and bottom-right of a picture
# stored as RED GREEN / BLUE YELLOW, for each EXIF orientation (EXIF 2.32, tag 0x0112).
SHOWN_CORNERS = {
    1: (RED, GREEN, BLUE, YELLOW),
    2: (GREEN, RED, YELLOW, BLUE),
    3: (YELLOW, BLUE, GREEN, RED),
    4: (BLUE, YELLOW, RED, GREEN),
    5: (RED, BLUE, GREEN, YELLOW),
    6: (BLUE, RED, YELLOW, GREEN),
    7: (YELLOW, GREEN, BLUE, RED),
    8: (GREEN, YELLOW, RED, BLUE),
}


def png_chunks(data: bytes) -> list[bytes]:
    """A PNG's chunks after its signature, each whole (length, type, body and checksum)."""
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        chunks.append(data[position : position + 12 + length])
        position += 12 + length
    return chunks


def test_it_turns_a_png_whose_exif_comes_after_its_image_data():
    exif = Image.Exif()
    exif[0x0112] = 6
    saved = encode(quadrants(320, 240), "PNG", exif=exif.tobytes())
    chunks = png_chunks(saved)
    kinds = [chunk[4:8] for chunk in chunks]
    assert kinds.index(b"eXIf") < kinds.index(b"IDAT")  # as Pillow writes it
    exif_chunk = chunks.pop(kinds.index(b"eXIf"))
    data = saved[:8] + b"".join(chunks[:-1]) + exif_chunk + chunks[-1]

    loaded = load_image(data)

    assert loaded.rgb.shape == (320, 240, 3)
    assert_quadrants(loaded.rgb, SHOWN_CORNERS[6], 2)


@pytest.mark.parametrize("orientation", sorted(SHOWN_CORNERS))
def test_it_turns_the_picture_as_its_exif_orientation_says(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(quadrants(320, 240), "JPEG", quality=95, exif=exif.tobytes())

    loaded = load_image(data)

    sideways = orientation >= 5
    assert loaded.rgb.shape == ((320, 240, 3) if sideways else (240, 320, 3))
    assert loaded.original_size == ((240, 320) if sideways else (320, 240))
    assert_quadrants(loaded.rgb, SHOWN_CORNERS[orientation], 8)


@pytest.mark.parametrize("image_format", ["HEIF", "WEBP"])
def test_it_turns_a_heic_or_webp_taken_sideways(image_format):
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(quadrants(320, 240), image_format, exif=exif.tobytes())

    loaded = load_image(data)

    assert loaded.rgb.shape == (320, 240, 3)
    assert loaded.original_size == (240, 320)
    assert_quadrants(loaded.rgb, SHOWN_CORNERS[6], 12)


# Display P3 (DCI-P3 primaries, D65 white, the sRGB curve) to CIE XYZ, and the Bradford
# adaptation an ICC profile applies to reach its D50 connection space.
P3_TO_XYZ = np.array(
    [
        [0.4865709, 0.2656677, 0.1982173],
        [0.2289746, 0.6917385, 0.0792869],
        [0.0000000, 0.0451134, 1.0439444],
    ]
)
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
BRADFORD_D65_TO_D50 = np.array(
    [
        [1.0478112, 0.0228866, -0.0501270],
        [0.0295424, 0.9904844, -0.0170491],
        [-0.0092345, 0.0150436, 0.7521316],
    ]
)


def display_p3_profile() -> bytes:
    """A matrix/curve ICC v2 profile for Display P3, the space of modern phone cameras."""

    def s15(values) -> bytes:
        return b"".join(struct.pack(">i", round(value * 65536)) for value in values)

    def text(kind: bytes, body: bytes) -> bytes:
        return kind + bytes(4) + body

    colorants = BRADFORD_D65_TO_D50 @ P3_TO_XYZ
    # Parametric curve type 3 is the sRGB curve: g, a, b, c, d.
    srgb_curve = b"para" + bytes(4) + struct.pack(">HH", 3, 0)
    srgb_curve += s15([2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045])
    name = b"Display P3 (test)"
    description = text(b"desc", struct.pack(">I", len(name) + 1) + name + bytes(1 + 8 + 3 + 67))
    tags = [
        (b"desc", description),
        (b"cprt", text(b"text", b"none\x00")),
        (b"wtpt", text(b"XYZ ", s15([0.9642, 1.0, 0.8249]))),
        (b"rXYZ", text(b"XYZ ", s15(colorants[:, 0]))),
        (b"gXYZ", text(b"XYZ ", s15(colorants[:, 1]))),
        (b"bXYZ", text(b"XYZ ", s15(colorants[:, 2]))),
        (b"rTRC", srgb_curve),
        (b"gTRC", srgb_curve),
        (b"bTRC", srgb_curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(
        ">I4sI4s4s4s12s4s", size, b"", 0x02100000, b"mntr", b"RGB ", b"XYZ ", bytes(12), b"acsp"
    )
    header += bytes(68 - len(header)) + s15([0.9642, 1.0, 0.8249])
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def p3_to_srgb8(p3: tuple[int, int, int]) -> np.ndarray:
    linear_p3 = srgb_to_linear(np.array(p3) / 255)
    linear_srgb = np.linalg.solve(SRGB_TO_XYZ, P3_TO_XYZ @ linear_p3)
    return linear_to_srgb(linear_srgb) * 255


# Skin, foliage, magenta and gold: colours whose P3 and sRGB codes differ by more than 10.
TAGGED_COLOURS = ((200, 120, 80), (90, 170, 100), (180, 60, 150), (220, 200, 90))


@pytest.mark.parametrize(("image_format", "tolerance"), [("PNG", 2.5), ("JPEG", 5), ("HEIF", 8)])
def test_it_converts_display_p3_colours_to_srgb(image_format, tolerance):
    picture = Image.fromarray(quadrants(320, 240, TAGGED_COLOURS))
    data = encode(picture, image_format, icc_profile=display_p3_profile())

    loaded = load_image(data)

    for measured, stored in zip(quadrant_colours(loaded.rgb), TAGGED_COLOURS, strict=True):
        expected = p3_to_srgb8(stored)
        assert np.abs(expected - stored).max() > 10  # the conversion matters for these colours
        assert np.abs(measured - expected).max() < tolerance, (measured, expected)


@pytest.mark.parametrize(
    "profile",
    [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), b"not a profile" * 20],
    ids=["srgb", "broken"],
)
def test_it_keeps_colours_tagged_srgb_or_tagged_with_a_broken_profile(profile):
    data = encode(quadrants(320, 240, TAGGED_COLOURS), "PNG", icc_profile=profile)

    loaded = load_image(data)

    for measured, stored in zip(quadrant_colours(loaded.rgb), TAGGED_COLOURS, strict=True):
        assert np.abs(measured - stored).max() < 1.5


def test_it_reads_a_16_bit_png_as_8_bit_rgb():
    row = b"\x00" + np.tile(np.array([200 * 257, 100 * 257, 50 * 257], ">u2"), 300).tobytes()

    loaded = load_image(png_bytes(300, 240, 16, 2, [row * 240]))

    assert loaded.rgb.shape == (240, 300, 3)
    assert np.abs(loaded.rgb.reshape(-1, 3).astype(int) - (200, 100, 50)).max() <= 1


def test_it_reads_a_16_bit_png_with_transparency_on_white():
    opaque = np.tile(np.array([200 * 257, 100 * 257, 50 * 257, 65535], ">u2"), 150)
    clear = np.tile(np.array([10, 10, 10, 0], ">u2"), 150)
    row = b"\x00" + opaque.tobytes() + clear.tobytes()

    loaded = load_image(png_bytes(300, 240, 16, 6, [row * 240]))

    assert loaded.rgb.shape == (240, 300, 3)
    assert np.abs(loaded.rgb[:, :150].reshape(-1, 3).astype(int) - (200, 100, 50)).max() <= 1
    assert (loaded.rgb[:, 150:] == 255).all()


def test_it_reads_a_10_bit_heic_as_8_bit_rgb():
    rgb16 = quadrants().astype(np.uint16) * 257
    heic = pillow_heif.from_bytes(mode="RGB;16", size=(320, 240), data=rgb16.tobytes())
    buffer = io.BytesIO()
    heic.save(buffer, quality=95)
    assert pillow_heif.open_heif(buffer.getvalue()).info["bit_depth"] == 10

    loaded = load_image(buffer.getvalue())

    assert loaded.rgb.dtype == np.uint8
    assert_quadrants(loaded.rgb, (RED, GREEN, BLUE, YELLOW), 8)


@pytest.mark.parametrize("image_format", ["PNG", "HEIF", "WEBP"])
def test_it_shows_transparent_areas_as_white(image_format):
    rgba = np.zeros((240, 320, 4), np.uint8)
    rgba[:, :160] = (*RED, 255)
    rgba[:, 160:] = (*GREEN, 0)

    loaded = load_image(encode(Image.fromarray(rgba), image_format))

    top_left, top_right, _, _ = quadrant_colours(loaded.rgb)
    assert np.abs(top_left - RED).max() < {"PNG": 1, "HEIF": 8, "WEBP": 8}[image_format]
    assert np.abs(top_right - 255).max() < 1


def test_a_half_transparent_webp_is_shown_on_white_as_the_same_png_is():
    rgba = np.dstack([quadrants(320, 240), np.full((240, 320), 255, np.uint8)])
    rgba[120:, :, 3] = 128

    as_webp = load_image(encode(Image.fromarray(rgba), "WEBP", lossless=True)).rgb
    as_png = load_image(encode(Image.fromarray(rgba), "PNG")).rgb

    assert np.abs(as_webp.astype(int) - as_png.astype(int)).max() <= 1
    # The bottom half, half transparent, shown over white: each channel halfway to 255.
    assert_quadrants(as_webp, (RED, GREEN, (148, 158, 233), (243, 233, 148)), 2)


def test_it_reads_a_cmyk_jpeg():
    cmyk = Image.new("CMYK", (320, 240), (0, 255, 255, 0))  # full magenta and yellow: red
    cmyk.paste((255, 0, 255, 0), (160, 0, 320, 240))  # cyan and yellow: green

    loaded = load_image(encode(cmyk, "JPEG", quality=95))

    top_left, top_right, _, _ = quadrant_colours(loaded.rgb)
    assert top_left[0] > 200 and top_left[1:].max() < 50
    assert top_right[1] > 200 and top_right[[0, 2]].max() < 50


def test_it_reads_a_palette_png():
    palette = Image.fromarray(quadrants()).quantize(colors=4)
    assert palette.mode == "P"

    loaded = load_image(encode(palette, "PNG"))

    assert_quadrants(loaded.rgb, (RED, GREEN, BLUE, YELLOW), 1)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(Image.fromarray(quadrants()).convert("L"), "JPEG"), id="L-jpeg"),
        pytest.param(encode(Image.fromarray(quadrants()).convert("1"), "PNG"), id="1-bit-png"),
        pytest.param(encode(Image.fromarray(quadrants()).convert("LA"), "PNG"), id="LA-png"),
        pytest.param(
            png_bytes(300, 240, 16, 0, [(b"\x00" + b"\x80\x00" * 300) * 240]), id="16-bit-grey"
        ),
        pytest.param(
            encode(Image.fromarray(quadrants()).convert("L").convert("RGB"), "JPEG"),
            id="grey-content-in-rgb-jpeg",
        ),
    ],
)
def test_it_refuses_black_and_white_pictures(data):
    assert refusal(data) == "grayscale_image"


def test_it_refuses_a_grey_picture_from_its_header_before_decoding_it():
    data = encode(Image.fromarray(quadrants()).convert("L"), "JPEG")

    assert refusal(data[: len(data) // 2]) == "grayscale_image"


def test_it_tells_a_photo_too_dark_to_show_colour_from_a_black_and_white_one(face):
    # A colour portrait taken with almost no light: every code near the bottom of the scale.
    dark = encode(Image.fromarray((np.asarray(face) * 0.12).astype(np.uint8)), "JPEG")
    grey = encode(face.convert("L").convert("RGB"), "JPEG", quality=90)

    with pytest.raises(AnalysisError) as too_dark:
        load_image(dark)
    with pytest.raises(AnalysisError) as black_and_white:
        load_image(grey)

    assert too_dark.value.code == black_and_white.value.code == "grayscale_image"
    assert "too dark" in too_dark.value.message
    assert "black and white" in black_and_white.value.message


BOX = (0, 0, 200, 200)


def test_a_picture_toned_in_one_colour_spreads_no_colour_at_a_brightness():
    brightness = np.add.outer(np.arange(200), np.arange(200)) * 255 // 398
    sepia = toned(brightness)
    # The same brightnesses, but half the pixels (at random) greener.
    two_colours = sepia.copy()
    greener = np.random.default_rng(0).random(brightness.shape) < 0.5
    two_colours[greener] = toned(brightness, dark=(20, 40, 30), light=(220, 255, 235))[greener]

    assert face_chroma_spread(sepia, BOX) < 0.002
    assert face_chroma_spread(two_colours, BOX) > 0.02
    with pytest.raises(AnalysisError) as refused:
        refuse_one_tint(sepia, BOX)
    assert refused.value.code == "grayscale_image"
    assert "filter" in refused.value.message
    refuse_one_tint(two_colours, BOX)


def test_a_face_too_clipped_or_dark_to_tell_is_not_refused_as_toned():
    assert face_chroma_spread(np.full((200, 200, 3), 255, np.uint8), BOX) == float("inf")
    refuse_one_tint(np.full((200, 200, 3), 10, np.uint8), BOX)


def test_it_refuses_a_grey_copy_of_a_real_face_but_not_the_face(face):
    grey_copy = encode(face.convert("L").convert("RGB"), "JPEG", quality=90)

    assert refusal(grey_copy) == "grayscale_image"
    assert load_image(encode(face, "JPEG", quality=90)).rgb.shape == (600, 600, 3)


@pytest.mark.parametrize(
    "coloured, pitch, refused",
    [(4, 8, True), (5, 8, False), (5, 16, False)],
    ids=["4-coloured", "5-coloured", "5-coloured-every-sixteenth"],
)
def test_it_refuses_a_grey_picture_with_under_a_twentieth_of_a_percent_coloured_samples(
    coloured, pitch, refused
):
    # A 400 px square is sampled every fourth pixel, 100 x 100 samples: a colour photo has at
    # least 0.05 % of them coloured. At a pitch of 8 (offset 4) none falls on every sixteenth
    # pixel, where a photo is looked at first; at 16 they all do.
    pixels = np.full((400, 400, 3), 128, dtype=np.uint8)
    rows, columns = np.divmod(np.arange(coloured), 25)
    offset = 4 if pitch == 8 else 0
    pixels[offset + pitch * rows, offset + pitch * columns] = (200, 80, 60)
    data = encode(pixels, "PNG")

    if refused:
        assert refusal(data) == "grayscale_image"
    else:
        assert load_image(data).rgb.shape == (400, 400, 3)


def test_a_dark_face_small_in_a_plain_frame_is_not_taken_for_black_and_white(shared_faces):
    # The darkest development face, about 200 px wide in a 12 MP frame of its grey backdrop: a
    # twentieth of the frame's width, within what the engine reads (a face found that small is
    # read again closer). Its skin is all the colour the picture has.
    portrait = Image.open(shared_faces / "images" / "137_03.jpg").convert("RGB")
    portrait = portrait.resize((round(portrait.width * 0.45), round(portrait.height * 0.45)))
    frame = Image.new("RGB", (4032, 3024), portrait.getpixel((5, 5)))
    frame.paste(portrait, (1500, 1200))

    assert load_image(encode(frame, "JPEG", quality=90)).rgb.shape[2] == 3


def test_it_refuses_a_picture_with_a_side_under_min_side():
    assert refusal(encode(quadrants(MIN_SIDE + 100, MIN_SIDE - 1), "PNG")) == "image_too_small"
    assert load_image(encode(quadrants(MIN_SIDE, MIN_SIDE), "PNG")).rgb.shape[:2] == (200, 200)


@pytest.mark.parametrize(
    ("image_format", "keep"),
    [("JPEG", 0.6), ("PNG", 0.6), ("WEBP", 0.6), ("HEIF", 0.6), ("JPEG", 0.05)],
)
def test_it_refuses_a_truncated_file_as_corrupt(image_format, keep):
    # Noise spreads the coded bytes evenly, so any cut lands in the middle of the pixels.
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = encode(noise, image_format)

    assert refusal(data[: int(len(data) * keep)]) == "corrupt_image"


def test_it_refuses_a_jpeg_cut_off_after_the_end_marker_of_its_exif_thumbnail():
    thumbnail = encode(quadrants(160, 120), "JPEG")
    exif = Image.Exif()
    exif[0x0112] = 1
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = encode(noise, "JPEG", exif=exif.tobytes() + thumbnail)
    assert thumbnail in data  # its end marker comes before the photo's own scan

    assert load_image(data).rgb.shape == (240, 320, 3)
    assert refusal(data[: int(len(data) * 0.6)]) == "corrupt_image"


def test_it_refuses_a_jpeg_cut_off_and_closed_with_an_end_marker():
    # libjpeg would fill the missing part with grey and say nothing but a warning.
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = encode(noise, "JPEG")

    assert refusal(data[: len(data) // 2] + b"\xff\xd9") == "corrupt_image"


def test_it_refuses_a_jpeg_with_bytes_lost_from_the_middle_of_its_scan():
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = encode(noise, "JPEG")
    middle = len(data) // 2

    assert refusal(data[:middle] + data[middle + 2000 :]) == "corrupt_image"


def test_it_reads_a_jpeg_with_padding_before_its_end_marker():
    # Some cameras leave bytes between the scan and the end marker: the pixels are whole.
    data = encode(quadrants(), "JPEG")
    padded = data[:-2] + b"\x00" * 16 + data[-2:]

    assert_quadrants(load_image(padded).rgb, (RED, GREEN, BLUE, YELLOW), 4)


def test_it_reads_a_padded_jpeg_with_a_video_appended_after_its_end_marker():
    # A phone's motion photo carries its video after the picture, end markers and all.
    data = encode(quadrants(), "JPEG")
    padded = data[:-2] + b"\x00" * 16 + data[-2:] + b"ftypmp42" + b"\xff\xd9" * 3

    assert_quadrants(load_image(padded).rgb, (RED, GREEN, BLUE, YELLOW), 4)


def test_it_refuses_a_jpeg_whose_changed_byte_left_scan_data_before_its_end_marker():
    # A changed byte throws the decoder out of step: it ends the picture early and skips what is
    # left of the scan as "extraneous bytes before marker 0xd9", the warning zero padding gives.
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    data = encode(noise, "JPEG")
    scan = data.index(b"\xff\xda") + 20
    for position in range(scan, len(data) - 2, 97):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        try:
            simplejpeg.decode_jpeg(bytes(damaged))
        except ValueError as warning:
            if "extraneous bytes before marker 0xd9" in str(warning):
                break
    else:
        pytest.fail("no changed byte gave the warning")

    assert refusal(bytes(damaged)) == "corrupt_image"


def test_it_refuses_bytes_between_the_scans_of_a_progressive_jpeg():
    data = encode(quadrants(), "JPEG", progressive=True)
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    # Just before the tables of the second scan, where a scan that lost data would leave them.
    tables = data.rindex(b"\xff\xc4", 0, second_scan)

    assert refusal(data[:tables] + b"\x00" * 16 + data[tables:]) == "corrupt_image"


def test_it_reads_a_jpeg_whose_jfif_version_libjpeg_does_not_know():
    data = encode(quadrants(), "JPEG")
    version = data.index(b"JFIF\x00") + 5
    unknown = data[:version] + b"\x07" + data[version + 1 :]  # version 7.01: libjpeg warns

    assert np.array_equal(load_image(unknown).rgb, load_image(data).rgb)
    assert refusal(unknown[: len(unknown) // 2] + b"\xff\xd9") == "corrupt_image"


@pytest.mark.parametrize("damage", ["cut off", "bytes lost"])
def test_it_refuses_a_cmyk_jpeg_with_lost_scan_data(damage):
    noise = np.random.default_rng(7).integers(0, 256, (240, 320, 4), dtype=np.uint8)
    data = encode(Image.fromarray(noise, "CMYK"), "JPEG")
    middle = len(data) // 2
    damaged = {
        "cut off": data[:middle] + b"\xff\xd9",
        "bytes lost": data[:middle] + data[middle + 2000 :],
    }[damage]

    assert load_image(data).rgb.shape == (240, 320, 3)
    assert refusal(damaged) == "corrupt_image"


def test_it_refuses_a_png_whose_image_data_changed():
    data = bytearray(encode(quadrants(), "PNG"))
    # A byte of the compressed pixels, not of the header: zlib alone would decode it quietly.
    data[data.index(b"IDAT") + 40] ^= 0x01

    assert refusal(bytes(data)) == "corrupt_image"


def test_it_refuses_a_file_whose_header_is_garbage_as_corrupt():
    assert refusal(b"\xff\xd8\xff\xe0" + bytes(500)) == "corrupt_image"
    assert refusal(b"\x89PNG\r\n\x1a\n" + bytes(500)) == "corrupt_image"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(np.random.default_rng(3).bytes(5000), id="random-bytes"),
        pytest.param(b"Hello, this is a text file, not a photo.\n" * 50, id="text"),
        pytest.param(encode(quadrants(), "GIF"), id="gif"),
        pytest.param(encode(quadrants(), "BMP"), id="bmp"),
        pytest.param(encode(quadrants(), "TIFF"), id="tiff"),
        pytest.param(encode(quadrants(), "PDF"), id="pdf"),
        pytest.param(encode(quadrants(), "AVIF"), id="avif"),
        pytest.param(
            encode(quadrants(), "AVIF").replace(b"ftypavif", b"ftypmif1", 1), id="avif-as-mif1"
        ),
    ],
)
def test_it_refuses_what_is_not_a_supported_photo(data):
    assert refusal(data) == "unsupported_format"


@pytest.mark.parametrize(
    ("width", "height"), [(60000, 60000), (10000, 6000)], ids=["3600MP", "60MP"]
)
def test_it_refuses_a_jpeg_whose_header_claims_too_many_pixels(width, height):
    assert width * height > MAX_PIXELS
    data = with_jpeg_size(encode(quadrants(), "JPEG"), width, height)

    assert refusal(data) == "image_too_large"


def test_it_refuses_a_pillow_decompression_bomb_without_a_warning_escaping():
    # 100 megapixels: over Pillow's own limit, under twice it, where Pillow only warns.
    data = png_bytes(10000, 10000, 8, 2, [b"\x00" * 30001])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert refusal(data) == "image_too_large"

    assert [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)] == []


def test_it_refuses_more_bytes_than_max_bytes():
    assert refusal(b"\xff\xd8\xff\xe0" + bytes(MAX_BYTES)) == "image_too_large"


# Peak RSS is read from VmHWM, the high-water mark of this process's own memory map:
# getrusage's ru_maxrss keeps the parent's peak across fork and exec (Linux records the old map
# at exec), so under a large pytest process it would measure pytest, not the load.
MEASURE_BOMB = """
import re, sys, time
from PIL import Image
from chromamatch.errors import AnalysisError
from chromamatch.image_loading import load_image

if sys.argv[2] == "off":
    Image.MAX_IMAGE_PIXELS = None
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    load_image(data)
    code = "accepted"
except AnalysisError as error:
    code = error.code
elapsed = time.perf_counter() - start
status = open("/proc/self/status").read()
print(code, elapsed, int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


@pytest.fixture(scope="module")
def png_bomb_path(tmp_path_factory) -> Path:
    """A 30000 x 30000 PNG, 900 megapixels from about 110 kB, in colour so that nothing but
    its pixel count can stop it: 1-bit palette indices, red and green."""
    side = 30000
    zero_rows = bytes(1 + side // 8) * 1000  # filter byte first, then 8 pixels a byte
    rows = (zero_rows for _ in range(side // 1000))
    bomb = png_bytes(side, side, 1, 3, rows, palette=bytes([220, 40, 40, 40, 200, 60]))
    assert len(bomb) < 1_000_000
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(bomb)
    return path


# "off" is a process where other code has switched Pillow's own bomb check off.
@pytest.mark.parametrize("pillow_guard", ["on", "off"])
def test_it_refuses_a_900_megapixel_png_bomb_quickly_in_little_memory(png_bomb_path, pillow_guard):
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_BOMB, str(png_bomb_path), pillow_guard],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    code, elapsed, peak_mib = result.stdout.split()
    assert code == "image_too_large"
    assert float(elapsed) < 1.0
    assert int(peak_mib) < 300


def test_a_turned_picture_reports_boxes_where_they_are_in_the_photo_as_stored():
    stored = quadrants(400, 300)
    loaded = LoadedImage(rgb=stored[::2, ::2], format="png", original_size=(400, 300), scale=0.5)
    left, over, right = (turned(loaded, k) for k in (1, 2, -1))

    assert (left.quarter_turns, over.quarter_turns, right.quarter_turns) == (1, 2, 3)
    assert turned(over, 2).quarter_turns == 0
    np.testing.assert_array_equal(turned(over, 2).rgb, loaded.rgb)
    assert not over.rgb.flags.writeable
    assert_quadrants(over.rgb, (YELLOW, BLUE, GREEN, RED), 2)
    # Turned counterclockwise, the stored top right (green) comes to the top left.
    assert_quadrants(left.rgb, (GREEN, YELLOW, RED, BLUE), 2)
    assert left.rgb.shape[:2] == (200, 150)
    # The top-left 20 x 10 analysed pixels, in each turned picture, in the stored photo:
    assert loaded.box_as_stored((0, 0, 20, 10)) == [0, 0, 40, 20]
    assert over.box_as_stored((0, 0, 20, 10)) == [360, 280, 400, 300]  # its bottom right
    assert left.box_as_stored((0, 0, 20, 10)) == [380, 0, 400, 40]  # its top right
    assert right.box_as_stored((0, 0, 20, 10)) == [0, 260, 20, 300]  # its bottom left


def test_it_encodes_a_metadata_free_jpeg_of_the_same_size():
    rgb = quadrants(320, 240)

    data = encode_jpeg(rgb, quality=90)

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 240)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "icc_profile" not in image.info
        decoded = np.asarray(image.convert("RGB"))
    assert_quadrants(decoded, (RED, GREEN, BLUE, YELLOW), 8)


def test_it_drops_the_exif_of_a_photo_it_loaded_and_re_encoded():
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    loaded = load_image(encode(quadrants(320, 240), "JPEG", exif=exif.tobytes()))

    data = encode_jpeg(loaded.rgb)

    assert b"PhoneMaker" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (240, 320)
        assert len(image.getexif()) == 0


def test_it_refuses_to_encode_what_is_not_an_8_bit_rgb_array():
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((10, 10, 3), np.float32))


@pytest.mark.parametrize("quality", [20, 35, 50, 70, 85, 95])
def test_it_reads_the_quality_a_jpeg_was_saved_at(quality):
    rgb = np.random.default_rng(quality).integers(0, 255, (240, 320, 3), dtype=np.uint8)

    loaded = load_image(encode_jpeg(rgb, quality=quality))

    assert loaded.jpeg_quality == pytest.approx(quality, abs=1)


def test_it_reads_a_quality_for_tables_of_a_cameras_own_and_none_for_other_formats():
    rgb = np.random.default_rng(1).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    picture = Image.fromarray(rgb)
    coarse, png = io.BytesIO(), io.BytesIO()
    # A flat table of its own, a little coarser on average than libjpeg's at quality 50.
    picture.save(coarse, "JPEG", qtables=[[64] * 64, [64] * 64])
    picture.save(png, "PNG")

    assert 40 < load_image(coarse.getvalue()).jpeg_quality < 50
    assert load_image(png.getvalue()).jpeg_quality is None
