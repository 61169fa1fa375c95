"""Relit copies of a photo: what a camera without white balance would record under another light.

Used to train and judge the lighting correction (docs/EVALUATION.md "Relit copies"): the photo
is taken to linear sRGB, its background is optionally swapped for a coloured wall, the whole
scene is multiplied by the white of a blackbody light relative to D65, tinted on green, scaled
by 2**EV, clipped as a sensor would, and encoded back to 8-bit sRGB.

For training, the white T-shirts of the development photos can also be dyed another colour
(``dye_clothing``): people photograph themselves in any colour, and an estimator that only ever
saw white shirts takes a blue top for a blue light.
"""

import colorsys
import threading

import numpy as np

from chromamatch.colour import LUMA, blackbody_gains, linear_to_srgb, srgb_to_linear

# 8-bit sRGB -> linear is a 256-entry table; linear -> 8-bit goes through a 16-bit table, fine
# enough that the darkest codes (where sRGB's slope is 12.92) still round to the right value.
_SRGB8_TO_LINEAR = srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)
_LINEAR_STEPS = 65535
_LINEAR_TO_SRGB8 = np.clip(
    np.rint(linear_to_srgb(np.arange(_LINEAR_STEPS + 1) / _LINEAR_STEPS) * 255), 0, 255
).astype(np.uint8)

CCT_RANGE_K = (2500.0, 9500.0)
TINT_RANGE = (-0.05, 0.05)
EV_RANGE = (-1.0, 0.7)

_segmenter = None
_segmenter_lock = threading.Lock()


def srgb8_to_linear(rgb: np.ndarray) -> np.ndarray:
    """Linear sRGB (float32, 0..1) of an 8-bit sRGB image, by table look-up."""
    return _SRGB8_TO_LINEAR[np.asarray(rgb, dtype=np.uint8)]


def linear_to_srgb8(linear: np.ndarray) -> np.ndarray:
    """8-bit sRGB of linear values, clipping what saturates as a sensor would."""
    index = np.clip(np.asarray(linear, dtype=np.float32), 0.0, 1.0) * _LINEAR_STEPS + 0.5
    return _LINEAR_TO_SRGB8[index.astype(np.int32)]


def lighting_gains(cct_k: float, tint: float, ev: float) -> np.ndarray:
    """Linear-RGB multipliers of a light: blackbody white, green tint, exposure."""
    return blackbody_gains(cct_k) * np.array([1.0, 1.0 + tint, 1.0]) * 2.0**ev


def relight(
    rgb: np.ndarray,
    *,
    cct_k: float,
    tint: float,
    ev: float,
    wall_rgb: tuple[int, int, int] | None = None,
    person_mask: np.ndarray | None = None,
) -> np.ndarray:
    """The 8-bit sRGB photo ``rgb`` (H, W, 3) as recorded under another light, unbalanced.

    With ``wall_rgb``, the background (where ``person_mask`` is low; computed when not given)
    becomes a wall of that sRGB colour, lit by the same light as the person.
    """
    linear = srgb8_to_linear(rgb)
    if wall_rgb is not None:
        mask = _segment_person(rgb) if person_mask is None else person_mask
        linear = replace_background(linear, mask, wall_rgb)
    gains = lighting_gains(cct_k, tint, ev).astype(np.float32)
    return linear_to_srgb8(linear * gains)


def replace_background(
    linear: np.ndarray, mask: np.ndarray, wall_rgb: tuple[int, int, int]
) -> np.ndarray:
    """Put a wall of colour ``wall_rgb`` behind the person, keeping the old backdrop's shading.

    The studio backdrop is darker at the edges and brighter behind the head; carrying that
    relative shading onto the wall keeps it from looking like a flat cut-out.
    """
    mask = np.clip(np.asarray(mask, dtype=np.float32), 0.0, 1.0)[..., None]
    wall = srgb8_to_linear(np.asarray(wall_rgb, dtype=np.uint8).reshape(1, 1, 3))
    luminance = linear @ LUMA.astype(np.float32)
    backdrop = luminance[mask[..., 0] < 0.5]
    level = float(np.median(backdrop)) if backdrop.size else 0.0
    shading = np.clip(luminance / level, 0.5, 1.5)[..., None] if level > 0 else 1.0
    return mask * linear + (1.0 - mask) * wall * shading


# The development photos' shirts are white: below the face, inside the person, bright and
# nearly colourless. Skin, even the palest neck, is more saturated than this.
_SHIRT_MAX_SATURATION = 0.10
_SHIRT_MIN_VALUE = 0.45


def white_clothing_mask(rgb: np.ndarray, person: np.ndarray, face_bottom: float) -> np.ndarray:
    """Where the white clothing of a development photo is (H, W) bool: inside the person
    (``person_mask``), below ``face_bottom`` (a row), bright and nearly colourless."""
    value = rgb.max(axis=2).astype(np.float32)
    saturation = 1.0 - rgb.min(axis=2) / np.maximum(value, 1.0)
    rows = np.arange(rgb.shape[0])[:, None]
    return (
        (person > 0.5)
        & (rows > face_bottom)
        & (saturation < _SHIRT_MAX_SATURATION)
        & (value > 255 * _SHIRT_MIN_VALUE)
    )


def dye_clothing(
    linear: np.ndarray, clothing: np.ndarray, clothing_rgb: tuple[int, int, int]
) -> np.ndarray:
    """Linear RGB with the white clothing (mask ``clothing``) dyed sRGB ``clothing_rgb``: a
    white cloth's shading times the dye's reflectance."""
    dyed = linear.copy()
    dye = srgb8_to_linear(np.asarray(clothing_rgb, dtype=np.uint8))
    dyed[clothing] = linear[clothing] * dye
    return dyed


def random_clothing_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """A colour people wear: a fifth black, grey or white, the rest any hue."""
    if rng.random() < 0.2:
        red, green, blue = colorsys.hsv_to_rgb(0.0, 0.0, rng.uniform(0.08, 1.0))
    else:
        red, green, blue = colorsys.hsv_to_rgb(
            rng.random(), rng.uniform(0.2, 0.9), rng.uniform(0.2, 0.95)
        )
    return tuple(int(round(255 * c)) for c in (red, green, blue))


def tone_curve(rgb: np.ndarray, *, gamma: float = 1.0, contrast: float = 0.0) -> np.ndarray:
    """8-bit sRGB rendered through another tone curve, as phones and photo apps differ: each
    value raised to ``gamma`` (below 1 lifts the mid-tones), then an S-curve about mid-grey of
    ``contrast`` (darker shadows and brighter highlights; below 0 flatter). Black and white
    stay where they are."""
    x = (np.asarray(rgb, dtype=np.float32) / 255.0) ** gamma
    x = x + contrast * (x - 0.5) * (1 - np.abs(2 * x - 1))
    return np.round(255 * np.clip(x, 0.0, 1.0)).astype(np.uint8)


def random_tone_curve(rng: np.random.Generator) -> dict:
    """A tone curve of ``tone_curve``: gamma 0.8-1.25 (even in log) and contrast -0.2..+0.35."""
    return {
        "gamma": float(np.exp(rng.uniform(np.log(0.8), np.log(1.25)))),
        "contrast": float(rng.uniform(-0.2, 0.35)),
    }


def person_mask(rgb: np.ndarray) -> np.ndarray:
    """Where the person is, 0..1 (H, W) float32, from mediapipe's bundled selfie segmentation."""
    return _segment_person(rgb)


# relight() takes a ``person_mask`` argument, which hides the public function inside it.
def _segment_person(rgb: np.ndarray) -> np.ndarray:
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            _segmenter = _segmentation_graph()
        outputs = _segmenter.run(image=np.ascontiguousarray(rgb, dtype=np.uint8))
        from mediapipe.python import packet_getter

        # A copy: the frame's memory belongs to the packet, which the next run replaces.
        return np.array(packet_getter.get_image_frame(outputs["mask"]).numpy_view(), np.float32)


def _segmentation_graph():
    """mediapipe's bundled general selfie segmentation (model 0), as a bare graph: the
    solution wrapper's per-call Python costs a tenth of the model's own 3 ms."""
    # mediapipe takes about two seconds to import: only pay for it when a mask is needed.
    from google.protobuf import text_format
    from mediapipe.framework import calculator_pb2
    from mediapipe.python import packet_creator

    from chromamatch.mediapipe_graph import Graph

    config = calculator_pb2.CalculatorGraphConfig()
    text_format.Parse(
        'input_stream: "image" output_stream: "mask" '
        'node { calculator: "SelfieSegmentationCpu" input_stream: "IMAGE:image" '
        'input_side_packet: "MODEL_SELECTION:model_selection" '
        'output_stream: "SEGMENTATION_MASK:mask" }',
        config,
    )
    return Graph(config, {"model_selection": packet_creator.create_int(0)})


def random_lighting(rng: np.random.Generator) -> dict:
    """One draw of light for a relit copy: ``relight(rgb, **random_lighting(rng))``.

    The temperature is uniform in mired (1e6 / K), how people perceive and filters shift
    colour temperature, so warm indoor lights are not under-drawn against the cool end.
    Half of the draws put a painted wall of a random colour behind the person.
    """
    low_mired, high_mired = 1e6 / CCT_RANGE_K[1], 1e6 / CCT_RANGE_K[0]
    lighting = {
        "cct_k": float(1e6 / rng.uniform(low_mired, high_mired)),
        "tint": float(rng.uniform(*TINT_RANGE)),
        "ev": float(rng.uniform(*EV_RANGE)),
        "wall_rgb": None,
    }
    if rng.random() < 0.5:
        red, green, blue = colorsys.hsv_to_rgb(
            rng.random(), rng.uniform(0.15, 0.75), rng.uniform(0.35, 0.95)
        )
        lighting["wall_rgb"] = tuple(int(round(255 * c)) for c in (red, green, blue))
    return lighting
