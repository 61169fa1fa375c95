"""Turn the bytes of an uploaded photo into an sRGB array the analysis can trust, or refuse it.

The bytes come from strangers, so nothing about them is believed until checked: the format is
read from the content, the size from the header before a single pixel is decoded, and every
decoder failure becomes an ``AnalysisError`` with a code the person can act on.
"""

import functools
import io
import logging
import re
import warnings
from dataclasses import dataclass, replace

import cv2
import numpy as np
import simplejpeg
from PIL import Image, ImageCms

from chromamatch.colour import CLIPPED_8BIT, NEAR_BLACK_8BIT
from chromamatch.errors import AnalysisError

MAX_BYTES = 30_000_000
"""Largest upload read, in bytes (30 MB); a phone's full-resolution photo is well under it."""

MAX_PIXELS = 50_000_000
"""Largest picture decoded, in pixels (50 megapixels), checked from the header."""

MIN_SIDE = 200
"""Smallest shorter side accepted, in pixels: below it a face has too few pixels to measure."""

# The size every photo is analysed at (longest side), by the engine and by the training of its
# lighting estimator alike: the estimator's cues (percentiles, pixel counts) are learned at
# this scale. At 640 px a 1350 px photo decodes at half size (675 px, kept as it is) instead of
# in full and resampled: part 1 of the analysis took 14.6 ms instead of 25.6 on one core, and
# with the estimator retrained here the as-shot median ITA error on the development set is
# 3.25 degrees (3.57 at 1280 px). Faces there are still 190-270 px wide.
ANALYSIS_MAX_SIDE = 640

# How far above the size asked for a decoded picture may stay (see _downscale_array).
_SIZE_SLACK = 1.125

# JPEG segments the pixels do not need: APP0-APP15 but Adobe's APP14 (it says how the colours
# were stored), and comments. libjpeg checks some of them (a JFIF version it does not know is a
# warning), and a strict decode stops on that warning as on lost data: a photo with such a
# warning is decoded again without them. Pillow reads the ICC profile and the EXIF orientation
# from the bytes as uploaded.
_METADATA_MARKERS = frozenset(range(0xE0, 0xF0)) - {0xEE} | {0xFE}
_START_OF_SCAN = 0xDA
_END_MARKER = b"\xff\xd9"
# The one warning about whole pixels left once the metadata is out: zero bytes between the last
# scan and the end marker, which some encoders write. Any other bytes there are what is left
# when damage threw the decoder out of step: one byte of a development photo's scan changed at
# random gave this warning in 180 of 780 trials, never with zeros, and read ITA 4.1 degrees
# off (median; p90 80; bench/damaged_jpegs.py). Before any other marker (a restart marker, the
# next scan of a progressive JPEG) such bytes mean scan data was lost as well.
_PADDING_BEFORE_END = re.compile(r"(\d+) extraneous bytes before marker 0xd9")
# The metadata, then the padding: a photo with both is decoded three times.
_JPEG_REPAIRS = 2

# A grey picture stored as RGB keeps a channel spread of a step or two from JPEG rounding; a
# colour photo has visibly coloured pixels at least where its skin is. Not all of a dark skin
# is: only 53 % of the face box of the darkest development face (137_03) against 95 % of a
# light one, and with 1 % of the picture asked for, a dark face a sixteenth of a plain 12 MP
# frame wide was refused as black and white where a light one was read; with 0.2 %, 8 of 78
# faces a 34th of the frame wide (5 of them dark), too small to be found, were refused so
# rather than as no face (bench/small_faces.py). A photo with a few coloured pixels on a grey
# face is still refused, on the face (``refuse_one_tint``).
_GREY_SPREAD = 12
_MIN_COLOURED_SHARE = 0.0005
# A colour photo taken with almost no light has no coloured pixels either: everything sits in
# the bottom codes, where the channels cannot differ by more than a few steps. It is refused
# with the same code (it carries no skin colour) but told what to fix: when even its brightest
# pixels stay under a quarter of full scale, the photo is dark, not black and white.
_DARK_LEVEL = 64
_TOO_DARK_MESSAGE = (
    "This photo is too dark to show any colour. Take it again facing a window or a lamp."
)

# A photo toned in one colour (sepia, a tinted black-and-white filter, a one-colour light) has
# colour, but every pixel's colour follows from its brightness alone; a filter that drains
# most of the colour comes close. Over the face, the spread of chromaticity (r and b of
# r, g, b = R, G, B over their sum) among pixels of the same brightness is 0.011-0.038 on the
# London photos as shot, 0.012-0.060 on relit copies and 0.013-0.040 on their format variants,
# against 0.002-0.005 on sepia and tinted black-and-white copies, 0.005-0.009 on those at
# 480 px and JPEG quality 35 (the JPEG noise is colour) and 0.004-0.011 with 30 % of the colour
# left. The line leaves real photos a margin of 1.6, at the price of letting the noisier half
# of the small, heavily compressed sepia copies through. Brightness is cut into _TONE_BINS
# bands; a band counts with at least _MIN_TONE_BIN_PIXELS pixels, read about
# _TONE_SAMPLES_ACROSS to the face's width (0.25 ms; within 1 % of every pixel's figure).
_MIN_FACE_CHROMA_SPREAD = 0.007
_TONE_BINS = 64
_MIN_TONE_BIN_PIXELS = 10
_TONE_SAMPLES_ACROSS = 50
# Pixels whose brightest channel lies within these 8-bit levels: neither near black nor clipped.
_TONE_LEVELS = (NEAR_BLACK_8BIT, CLIPPED_8BIT)
_ONE_TINT_MESSAGE = (
    "The colours of this photo come from a filter or a one-colour light (sepia, faded or tinted "
    "black and white), so it carries no skin colour. Send it without the filter, taken in "
    "daylight or ordinary indoor light."
)

_GREY_MODES = frozenset({"1", "L", "LA", "La", "I", "F"})

_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}

# The major brands pillow_heif opens; AVIF shares the container but not the codec.
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})

_EXIF_ORIENTATION = 0x0112

# Pillow logs the value of every EXIF tag it reads at DEBUG: the camera, the owner's name, a
# pointer to the GPS position. That is the person's metadata, so it never reaches a log, at
# whatever level the application runs; nothing else in that module logs below INFO.
logging.getLogger("PIL.TiffImagePlugin").setLevel(logging.INFO)
_WHITE = (255, 255, 255)


@dataclass(frozen=True)
class LoadedImage:
    """A decoded photo, ready for analysis.

    ``rgb`` is H x W x 3 uint8, C-contiguous and read-only, in sRGB, with the EXIF orientation
    applied and its longest side at most the ``max_side`` asked for, or up to an eighth above
    it where a reduced JPEG decode or a box reduction lands there (never upscaled).
    ``original_size`` is (width, height) of the stored picture after orientation, and ``scale``
    is how many ``rgb`` pixels stand for one original pixel (at most 1).
    """

    rgb: np.ndarray
    format: str
    original_size: tuple[int, int]
    scale: float
    # Counterclockwise quarter turns given after loading (``turned``): the photo was stored on
    # its side or upside down with no EXIF orientation to say so.
    quarter_turns: int = 0
    # A JPEG's quality on the IJG 1-100 scale, read from its quantization (``jpeg_quality``).
    jpeg_quality: float | None = None

    def box_as_stored(self, box: tuple[int, int, int, int]) -> list[int]:
        """A box (x0, y0, x1, y1) in ``rgb`` pixels, in pixels of the photo as stored (after
        its EXIF orientation)."""
        x0, y0, x1, y1 = box
        height, width = self.rgb.shape[:2]
        for _ in range(self.quarter_turns):
            # Undo one counterclockwise turn: (x, y) came from (height - y, x) of a picture
            # ``height`` wide and ``width`` high.
            x0, y0, x1, y1 = height - y1, x0, height - y0, x1
            width, height = height, width
        return [round(v / self.scale) for v in (x0, y0, x1, y1)]


def turned(image: LoadedImage, quarter_turns: int) -> LoadedImage:
    """``image`` turned ``quarter_turns`` times counterclockwise (negative: clockwise)."""
    if quarter_turns % 4 == 0:
        return image  # no copy of a picture that stays as it is
    rgb = np.ascontiguousarray(np.rot90(image.rgb, quarter_turns))
    rgb.flags.writeable = False
    return replace(image, rgb=rgb, quarter_turns=(image.quarter_turns + quarter_turns) % 4)


def load_image(
    data: bytes, *, max_side: int = ANALYSIS_MAX_SIDE, colourless_ok: bool = False
) -> LoadedImage:
    """Decode an uploaded JPEG, PNG, WEBP or HEIC photo, or raise ``AnalysisError``.

    A colour file whose pixels hold no colour is refused as ``grayscale_image`` unless
    ``colourless_ok``: a caller that looks for a face first passes it, so that a grey wall
    photographed without anyone in it is told there is no face, not that it is black and white.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    if len(data) > MAX_BYTES:
        raise AnalysisError("image_too_large")
    image_format = _sniff_format(data)
    # Pillow reports a decompression bomb with a warning below twice its own limit; make it an
    # exception so it is refused like any other, whatever the process's warning filters are.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _decode(data, image_format, max_side, colourless_ok)
        except AnalysisError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise AnalysisError("image_too_large") from None
        except Exception:
            # Decoders signal damage with whatever they like (OSError, SyntaxError, ValueError,
            # struct.error, EOFError, pillow_heif's RuntimeError...): all of it means the same.
            raise AnalysisError("corrupt_image") from None


def encode_jpeg(rgb: np.ndarray, *, quality: int = 90) -> bytes:
    """Re-encode an H x W x 3 uint8 sRGB array as a JPEG that carries no metadata at all."""
    array = np.ascontiguousarray(rgb)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected H x W x 3 uint8, got {array.dtype} {array.shape}")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be within 1..100, not {quality}")
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _sniff_format(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and _has_heif_brand(data):
        return "heif"
    raise AnalysisError("unsupported_format")


def _has_heif_brand(data: bytes) -> bool:
    major = data[8:12]
    if major in _HEVC_BRANDS:
        return True
    if major not in _HEIF_BRANDS:
        return False
    box_end = min(int.from_bytes(data[:4], "big"), len(data), 256)
    compatible = {data[i : i + 4] for i in range(16, box_end - 3, 4)}
    # A generic 'mif1' file that lists AV1 brands but no HEVC one is an AVIF: nothing here
    # decodes those.
    return bool(compatible & _HEVC_BRANDS) or not compatible & _AVIF_BRANDS


@functools.cache
def _register_heif_opener() -> None:
    import pillow_heif

    # Depth maps, auxiliary images and thumbnails are never used, so libheif need not read them.
    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


def _decode(data: bytes, image_format: str, max_side: int, colourless_ok: bool) -> LoadedImage:
    if image_format == "heif":
        _register_heif_opener()
    image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[image_format]])
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise AnalysisError("image_too_large")
    if min(width, height) < MIN_SIDE:
        raise AnalysisError("image_too_small")
    if image.mode in _GREY_MODES or image.mode.startswith("I;"):
        raise AnalysisError("grayscale_image")

    target_size = _target_size((width, height), max_side)
    icc_profile = image.info.get("icc_profile")
    if image_format == "jpeg" and image.mode == "RGB":
        rgb = _downscale_array(_decode_jpeg_strictly(data, "RGB", target_size), target_size)
    elif image_format == "heif" and image.mode == "RGB":
        rgb = _downscale(_decode_heif(data), target_size)
    elif image_format == "webp":
        rgb = _decode_webp(data, (width, height), target_size, image.mode == "RGBA")
    else:
        if image_format == "png":
            # zlib does not notice a changed byte of image data; the chunks' checksums do.
            # verify() leaves the image unusable, so it is checked on a second opening.
            Image.open(io.BytesIO(data), formats=["PNG"]).verify()
        if image_format == "jpeg":
            # A CMYK JPEG (from print software, not a phone) is decoded by Pillow, which knows
            # how each program stored its inks, but Pillow does not report lost scan data: the
            # file is first decoded strictly and the pixels thrown away.
            _decode_jpeg_strictly(data, "CMYK", target_size)
            # libjpeg then decodes at 1/2, 1/4 or 1/8 scale, never below the size asked for.
            image.draft(None, target_size)
        # Pillow's ImageFile.LOAD_TRUNCATED_IMAGES stays False, so a cut-off file raises here
        # instead of coming back with a grey lower half.
        image.load()
        rgb = _downscale(_to_rgb(image, icc_profile), target_size)
    # Read once the pixels are: a PNG may keep its EXIF after the image data, and Pillow decodes
    # the image to reach it, where _orientation would take a damaged one for a mangled EXIF.
    orientation = _orientation(image)
    scale = rgb.shape[1] / width
    if icc_profile:
        rgb = _to_srgb(rgb, icc_profile)
    rgb = np.ascontiguousarray(_orient(rgb, orientation))
    rgb.flags.writeable = False
    if has_no_chroma(rgb) and (_is_dark(rgb) or not colourless_ok):
        raise AnalysisError("grayscale_image", _TOO_DARK_MESSAGE if _is_dark(rgb) else None)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return LoadedImage(
        rgb=rgb,
        format=image_format,
        original_size=(width, height),
        scale=scale,
        jpeg_quality=jpeg_quality(image) if image_format == "jpeg" else None,
    )


# libjpeg's (IJG's) luminance quantization table at quality 50, in natural order; a quality q
# scales it by 50 / q below 50 and by 2 - q / 50 above.
_IJG_LUMINANCE = np.array(
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ],
    dtype=np.float64,
)  # fmt: skip


def jpeg_quality(image: Image.Image) -> float | None:
    """The quality an opened JPEG was saved at, on libjpeg's 1-100 scale: its luminance
    table against libjpeg's own. Cameras and apps with tables of their own get the quality
    whose table quantizes as coarsely on average. None without a 64-entry table."""
    tables = getattr(image, "quantization", None) or {}
    table = np.asarray(tables.get(0, ()), dtype=np.float64)
    if table.size != 64:
        return None
    scale = 100 * float(table.sum() / _IJG_LUMINANCE.sum())
    return float(np.clip(5000 / scale if scale > 100 else (200 - scale) / 2, 1, 100))


def _target_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= max_side:
        return size
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _orientation(image: Image.Image) -> int:
    try:
        orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:
        # A mangled EXIF block says nothing trustworthy: keep the pixels as stored.
        return 1
    return orientation if orientation in range(1, 9) else 1


def _to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode == "CMYK":
        transform = _transform_to_srgb(icc_profile, "CMYK") if icc_profile else None
        return transform.apply(image) if transform else image.convert("RGB")
    if image.has_transparency_data:
        # Transparent areas are shown as white, as a browser shows them on a white page. An
        # RGBA picture is used as it is: a converted copy of a 50 megapixel one is 200 MB.
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, _WHITE)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return image.convert("RGB")


def _decode_jpeg_strictly(data: bytes, colorspace: str, target_size: tuple[int, int]) -> np.ndarray:
    """Decode a JPEG into an array, at the smallest of libjpeg's M/8 scales still at least the
    size asked for, or refuse it as corrupt on any sign of lost scan data.

    libjpeg carries on through damaged scan data: a file cut off and closed with an end marker,
    or with bytes lost in the middle, comes back with a grey or shifted lower part and no error
    from OpenCV or Pillow, and the analysis would measure it (a development photo cut in half
    that way read 16 degrees of ITA lighter). simplejpeg raises libjpeg's warnings instead.
    A warning about bytes outside the pixels (metadata, padding before the end marker) has
    those bytes cut out and the rest decoded strictly again, rather than leniently: a file
    padded at its end may still have lost data before it.
    """
    width, height = target_size
    for _ in range(_JPEG_REPAIRS + 1):
        try:
            return simplejpeg.decode_jpeg(
                data, colorspace=colorspace, min_width=width, min_height=height
            )
        except ValueError as warning:
            repaired = _outside_pixels_removed(data, str(warning))
        if repaired is None:
            break
        data = repaired
    raise AnalysisError("corrupt_image")


def _outside_pixels_removed(data: bytes, warning: str) -> bytes | None:
    """``data`` without the bytes outside its pixels that libjpeg's ``warning`` may be about,
    or None when there are none: the warning is about the pixels."""
    padding = _PADDING_BEFORE_END.search(warning)
    if padding:
        return _without_padding_before_end(data, int(padding[1]))
    without_metadata = _without_metadata(data)
    return without_metadata if len(without_metadata) < len(data) else None


def _without_metadata(data: bytes) -> bytes:
    """The JPEG with the segments of ``_METADATA_MARKERS`` before its first scan left out.

    A segment whose stated length leads anywhere but to the next marker stops the walk, and the
    rest is passed on as it is, for the decoder to judge.
    """
    kept = [data[:2]]
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
            continue
        if marker == _START_OF_SCAN:
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker not in _METADATA_MARKERS:
            kept.append(data[position:end])
        position = end
    kept.append(data[position:])
    return b"".join(kept)


def _without_padding_before_end(data: bytes, count: int) -> bytes | None:
    """``data`` without the ``count`` zero bytes before its end marker, or None when they are
    not all zeros."""
    # Scan data never holds 0xFF 0xD9 (a coded 0xFF byte is followed by 0x00), so the first one
    # after the first scan starts is the end marker libjpeg stopped at, whatever a phone
    # appended after it (a motion photo's video). libjpeg counts the bytes it skipped before the
    # marker's 0xFF fill bytes.
    end = data.find(_END_MARKER, data.find(bytes((0xFF, _START_OF_SCAN))))
    while end > 0 and data[end - 1] == 0xFF:
        end -= 1
    start = end - count
    if start < 0 or data[start:end].count(0) != count:
        return None
    return data[:start] + data[end:]


def _decode_heif(data: bytes) -> np.ndarray:
    """A colour HEIF's pixels, as an array over libheif's own buffer.

    Through Pillow they would be copied into an image that keeps four bytes per RGB pixel: a
    process loading a 48 megapixel HEIC peaked at 402 MB that way, at 289 MB so, 1.4 s to
    decode either way (bench/large_pictures.py).
    """
    import pillow_heif

    return np.asarray(pillow_heif.open_heif(data))


def _decode_webp(
    data: bytes, size: tuple[int, int], target_size: tuple[int, int], transparent: bool
) -> np.ndarray:
    """A WEBP's pixels at ``target_size`` (as ``_downscale`` gives it), through OpenCV.

    Pillow decodes a WEBP into four bytes a pixel and copies it twice on the way to RGB: a 48
    megapixel WEBP of 0.4 MB took 750 MiB to load. OpenCV decodes an opaque one into three
    bytes a pixel and reduces it as it goes (150 MiB); one with transparency is read whole with
    its alpha (380 MiB) and shown on white, as ``_to_rgb`` shows a transparent PNG
    (docs/large_pictures.md). An animation's first frame is read, as Pillow reads it.
    """
    buffer = np.frombuffer(data, dtype=np.uint8)
    # The EXIF orientation is applied by _decode, as for every format.
    if transparent:
        bgra = cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
        if bgra is None or bgra.shape[2:] != (4,):
            raise AnalysisError("corrupt_image")
        _flatten_on_white(bgra)
        return np.ascontiguousarray(_downscale(bgra, target_size)[..., 2::-1])
    reduction = min(size[0] // target_size[0], size[1] // target_size[1])
    factor = max(f for f in _REDUCED_COLOUR_FLAGS if f <= reduction)
    bgr = cv2.imdecode(buffer, _REDUCED_COLOUR_FLAGS[factor] | cv2.IMREAD_IGNORE_ORIENTATION)
    if bgr is None:
        raise AnalysisError("corrupt_image")
    return _downscale(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=bgr), target_size)


_REDUCED_COLOUR_FLAGS = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
# Rows flattened at a time: the arithmetic's 16-bit copy of them stays a few megabytes.
_FLATTEN_ROWS = 256


def _flatten_on_white(bgra: np.ndarray) -> None:
    """Show a BGRA picture's transparent parts as white, in its own colour channels."""
    for top in range(0, len(bgra), _FLATTEN_ROWS):
        rows = bgra[top : top + _FLATTEN_ROWS]
        if rows[..., 3].min() == 255:
            continue  # most of a photo saved with an alpha channel is opaque
        alpha = rows[..., 3:].astype(np.uint16)
        rows[..., :3] = (rows[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255


def _downscale(image: Image.Image | np.ndarray, size: tuple[int, int]) -> np.ndarray:
    # A box reduction (or JPEG's draft, already done) brings the picture within twice the target
    # cheaply; bicubic from there matches Lanczos (PSNR > 50 dB against it) at a tenth the cost.
    width, height = image.size if isinstance(image, Image.Image) else image.shape[1::-1]
    factor = min(width // size[0], height // size[1])
    if factor >= 2:
        if isinstance(image, Image.Image):
            image = image.reduce(factor)
        else:
            reduced = (width // factor, height // factor)
            image = cv2.resize(image, reduced, interpolation=cv2.INTER_AREA)
    return _downscale_array(np.asarray(image), size)


def _downscale_array(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    # A picture that the JPEG's reduced decode or a box reduction left within _SIZE_SLACK of the
    # size asked for is kept as it is: resampling the rest of the way moves no measured colour
    # and costs more than half a millisecond (a 1350 px photo decoded at half size, 675 px).
    if max(rgb.shape[:2]) > _SIZE_SLACK * max(size):
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)
    return rgb


def _to_srgb(rgb: np.ndarray, icc_profile: bytes) -> np.ndarray:
    transform = _transform_to_srgb(icc_profile, "RGB")
    return np.asarray(transform.apply(Image.fromarray(rgb))) if transform else rgb


def _orient(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """Turn the stored pixels the way EXIF orientation 1..8 says they are to be shown."""
    if orientation == 2:
        return rgb[:, ::-1]
    if orientation == 3:
        return rgb[::-1, ::-1]
    if orientation == 4:
        return rgb[::-1]
    if orientation == 5:
        return rgb.transpose(1, 0, 2)
    if orientation == 6:
        return np.rot90(rgb, k=-1)
    if orientation == 7:
        return rgb.transpose(1, 0, 2)[::-1, ::-1]
    if orientation == 8:
        return np.rot90(rgb, k=1)
    return rgb


@functools.lru_cache(maxsize=16)
def _transform_to_srgb(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Build (once per profile) a transform to sRGB, or None to keep the pixels as they are."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if source.profile.xcolor_space.strip() != mode:
            return None
        transform = ImageCms.buildTransform(
            source,
            ImageCms.createProfile("sRGB"),
            mode,
            "RGB",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        )
        if mode == "RGB" and _changes_nothing(transform):
            return None
        return transform
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile is the phone's mistake, not the person's: read the pixels as sRGB.
        return None


def _changes_nothing(transform: ImageCms.ImageCmsTransform) -> bool:
    # Most tagged photos are tagged sRGB, and applying a transform costs more than decoding a
    # small JPEG: skip one that moves no colour of a 16-level grid by more than a step.
    levels = np.arange(0, 256, 17, dtype=np.uint8)
    grid = np.stack(np.meshgrid(levels, levels, levels), axis=-1).reshape(64, 64, 3)
    converted = np.asarray(transform.apply(Image.fromarray(grid)), dtype=np.int16)
    return int(np.abs(converted - grid).max()) <= 1


def has_no_chroma(rgb: np.ndarray) -> bool:
    # Every fourth pixel each way is plenty. A colour photo shows enough coloured pixels among
    # every sixteenth already (a subset of those), so most photos are decided at a sixteenth
    # of the cost, and the answer is the same.
    sampled = len(range(0, rgb.shape[0], 4)) * len(range(0, rgb.shape[1], 4))
    needed = _MIN_COLOURED_SHARE * sampled
    return _coloured_pixels(rgb[::16, ::16]) < needed and _coloured_pixels(rgb[::4, ::4]) < needed


def refuse_one_tint(rgb: np.ndarray, box: tuple[int, int, int, int]) -> None:
    """Refuse as ``grayscale_image`` a photo whose face is toned in one colour."""
    if face_chroma_spread(rgb, box) < _MIN_FACE_CHROMA_SPREAD:
        raise AnalysisError("grayscale_image", _ONE_TINT_MESSAGE)


def face_chroma_spread(rgb: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """How much the face's chromaticity varies among pixels of the same brightness (the
    root mean square over brightness bands); inf when too few unclipped pixels to tell."""
    x0, y0, x1, y1 = box
    step = max(1, round((x1 - x0) / _TONE_SAMPLES_ACROSS))
    pixels = rgb[y0:y1:step, x0:x1:step].reshape(-1, 3)
    brightest = pixels.max(axis=1)
    low, high = _TONE_LEVELS
    pixels = pixels[(brightest > low) & (brightest < high)].astype(np.float32)
    total = pixels.sum(axis=1)
    bands = (total * (_TONE_BINS / 766)).astype(np.intp)
    counts = np.bincount(bands, minlength=_TONE_BINS)
    counted = counts >= _MIN_TONE_BIN_PIXELS
    if counts[counted].sum() < 10 * _MIN_TONE_BIN_PIXELS:
        return float("inf")
    squares = np.zeros(_TONE_BINS)
    for channel in (0, 2):
        share = pixels[:, channel] / total
        sums = np.bincount(bands, share, _TONE_BINS)
        squares += np.bincount(bands, share * share, _TONE_BINS) - sums**2 / np.maximum(counts, 1)
    return float(np.sqrt(squares[counted].sum() / counts[counted].sum()))


def _is_dark(rgb: np.ndarray) -> bool:
    brightest = np.max(rgb[::4, ::4], axis=2)
    return float(np.percentile(brightest, 99)) < _DARK_LEVEL


def _coloured_pixels(rgb: np.ndarray) -> int:
    # Whole planes are far quicker than a max over the length-3 colour axis.
    red, green, blue = (rgb[..., channel] for channel in range(3))
    spread = np.maximum(np.maximum(red, green), blue) - np.minimum(np.minimum(red, green), blue)
    return np.count_nonzero(spread > _GREY_SPREAD)
