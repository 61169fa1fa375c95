"""Estimate the light a selfie was taken under, and take it out of the colours measured in it.

A phone's white balance and exposure are guesses about the scene; skin measured through them
carries the guess. Here the illuminant (relative to D65) and the exposure are estimated from
what the photo itself holds, and colours are divided by them, so the skin comes out as it
would look in daylight at a normal exposure.

Cues, all computed from the photo's pixels in a few milliseconds (no mediapipe here):

- near-neutral parts of the face: the whites of the eyes and, when visible, the teeth;
- the skin itself, whose chromaticity lies on a narrow locus under daylight;
- the scene: grey-world, grey-edge, the brightest unclipped pixels, the backdrop (image
  border) and the clothing below the chin.

Two estimators read them: a learned one (``chromamatch/data/lighting_model.npz``, trained by
``python -m chromamatch.lighting_training`` on relit copies of the development faces; photos
exposed beyond the range it was judged on are read by a second ensemble) and a rule-based
baseline (calibrated white-patch on eyes and teeth, bright pixels and grey-edge).
Either estimate is then pinned by the backdrop and the top where they look grey
(``pin_to_grey_surfaces``): a grey wall or a white top shows the light's colour more exactly
than anything on the face.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chromamatch import engine_data
from chromamatch.colour import (
    CLIPPED_8BIT,
    LINEAR_FLOOR,
    LUMA,
    linear_rgb_to_lab,
    log_chromaticity_to_cct,
    srgb_to_linear,
)
from chromamatch.face_landmarks import Face
from chromamatch.relight import EV_RANGE, srgb8_to_linear
from chromamatch.skin_sampling import SkinSample, sclera_linear_rgb, teeth_linear_rgb
from chromamatch.small_arrays import brightest_channel, median, select_rows

MODEL_PATH = engine_data.DATA_DIR / engine_data.LIGHTING_MODEL_FILE
METHODS = ("learned", "rule")

# log of each 8-bit value's linear light, floored: logs of 8-bit pixels by table look-up.
_LOG_LINEAR8 = np.log(np.maximum(srgb8_to_linear(np.arange(256)).astype(np.float64), LINEAR_FLOOR))
# Pixels sampled from the region around the face for the scene cues. Half the 8000 read before
# costs 0.5 ms less; the estimator was retrained on them (figures in the model card).
_SCENE_PIXELS = 4000
_SKIN_PIXELS = 4000  # skin pixels read (evenly spaced) for the skin cues
_MIN_PATCH = 12  # fewest pixels a neutral-patch cue needs to count
# The scene cues read only the part of the photo around the face, sized by the face box (face
# widths either side of its centre, face heights above and below it): on a studio portrait it
# is the whole photo, and a photo framed wider or shot from further away shows the same scene.
_SCENE_HALF_WIDTH = 1.5
_SCENE_ABOVE = 0.8
_SCENE_BELOW = 1.0
# Pixel counts are given as if the face were this wide (the development photos' median face
# width at the analysis size), so a smaller or larger photo of the same face reads the same.
_REFERENCE_FACE_WIDTH_PX = 225

# log(R/G), log(B/G) of 2700 K tungsten relative to D65: the cast that counts as strength 1.
_TUNGSTEN_CAST = 1.672
# Shifts well under these (log chromaticity, EV) are taken for estimation noise and fade to
# no change: a photo whose white balance and exposure were right must come out as it went in.
_SMALL_CAST = 0.02
_SMALL_EV = 0.05

CUES = (
    "skin",
    "skin_bright",
    "sclera",
    "teeth",
    "white_patch",
    "bright_mean",
    "grey_world",
    "grey_edge",
    "backdrop",
    "clothing",
)
# Where a cue could not be read, the first of these that could stands in; grey-world and
# grey-edge can always be read.
_STAND_INS = {
    "skin": ("grey_world",),
    "skin_bright": ("skin", "grey_world"),
    "sclera": ("teeth", "white_patch", "grey_world"),
    "teeth": ("sclera", "white_patch", "grey_world"),
    "white_patch": ("grey_world",),
    "bright_mean": ("grey_world",),
    "backdrop": ("grey_world",),
    "clothing": ("white_patch", "grey_world"),
}
FEATURE_NAMES = (
    tuple(f"{cue}_{part}" for cue in CUES for part in ("log_rg", "log_bg", "log_y"))
    + tuple(f"scene_{c}_p{q}" for c in ("log_rg", "log_bg") for q in (10, 50, 90))
    # Channel by channel, so that a region whose red clipped under a warm lamp still tells
    # its green and blue (log linear values, and the share of each channel that clipped).
    + tuple(
        f"{region}_{channel}_{stat}"
        for region, stats in (
            ("face", ("p50", "p90")),
            ("clothing", ("p90",)),
            ("scene", ("p95", "clipped")),
        )
        for stat in stats
        for channel in "rgb"
    )
    + (
        "sclera_pixels",
        "teeth_pixels",
        "clothing_present",
        "scene_clipped",
        "clothing_clipped",
        "face_clipped",
        "skin_kept_share",
        "skin_spread",
    )
)


@dataclass(frozen=True)
class LightingEstimate:
    """The light a photo was taken under, relative to D65 at a normal exposure."""

    # (3,) linear RGB: observed skin = true skin * gains; correct by dividing. It is the light's
    # own colour and exposure, except where part of the face clipped: the skin sample then
    # rebuilds red at its darker pixels' hue and leaves out pixels whose green or blue
    # clipped (skin_sampling.sample_skin), and the gains carry what that shifts too.
    gains: np.ndarray
    # (3,) the light's own colour and exposure, without the clipped-skin shift: what irises,
    # hair and any surface other than the skin are divided by.
    light_gains: np.ndarray
    cct_k: int
    exposure_ev: float  # log2 of the light's luminance against a normal exposure
    cast_strength: float  # 0 = neutral, about 1 = a strong cast like 2700 K tungsten
    confidence: float  # 0..1
    method: str  # "learned" or "rule"


def estimate_lighting(
    rgb: np.ndarray, face: Face, skin: SkinSample, *, method: str | None = None
) -> LightingEstimate:
    """The illuminant and exposure of the 8-bit sRGB photo ``rgb`` (H, W, 3).

    ``method`` is "learned" (the default: the weights of ``engine_data.current()``) or "rule".
    """
    features = lighting_features(rgb, face, skin)
    surfaces = grey_surface_colours(rgb, face)
    method = method or "learned"
    if method == "learned":
        model = engine_data.current().lighting_model
        light, skin_moved = np.split(model.predict(features[None, :])[0], 2)
    elif method == "rule":
        light = skin_moved = rule_based_targets(features)
    else:
        raise ValueError(f"unknown lighting method {method!r}; use one of {METHODS}")
    return estimate_from_targets(
        light, skin_moved, features=features, surfaces=surfaces, method=method
    )


def correct_linear_rgb(linear_rgb: np.ndarray, estimate: LightingEstimate) -> np.ndarray:
    """Linear RGB (..., 3) as it would be under D65 at a normal exposure.

    Meant for the skin measured by ``skin_linear_rgb``: see ``LightingEstimate.gains``.
    """
    # No surface reflects more than white: an overestimated light must not invent one.
    return np.clip(np.asarray(linear_rgb, dtype=np.float64) / estimate.gains, 0.0, 1.0)


def replayed_skin_lab(
    prediction: np.ndarray,
    skin_linear: np.ndarray,
    *,
    features: np.ndarray,
    surfaces: np.ndarray | None = None,
) -> np.ndarray:
    """The skin's CIELAB as the engine would report it had the learned model output
    ``prediction`` (light, then the skin's own shift): the engine's steps after the model,
    for the benchmarks that replay other predictions (the true light, another fit) through
    them. ``surfaces=None`` leaves out the grey-surface pinning."""
    light, skin_moved = np.split(np.asarray(prediction, dtype=np.float64), 2)
    estimate = estimate_from_targets(
        light, skin_moved, features=features, surfaces=surfaces, method="learned"
    )
    return linear_rgb_to_lab(correct_linear_rgb(skin_linear, estimate))


def gains_from_targets(log_rg: float, log_bg: float, ev: float) -> np.ndarray:
    """Illuminant gains whose chromaticity is (log R/G, log B/G) and luminance is 2**ev."""
    chroma = np.exp(np.array([log_rg, 0.0, log_bg]))
    return chroma * 2.0**ev / float(LUMA @ chroma)


def targets_from_gains(gains: np.ndarray) -> np.ndarray:
    """(log R/G, log B/G, EV) of illuminant gains: what the estimators predict."""
    gains = np.asarray(gains, dtype=np.float64)
    return np.array(
        [np.log(gains[0] / gains[1]), np.log(gains[2] / gains[1]), np.log2(LUMA @ gains)]
    )


def estimate_from_targets(
    light: np.ndarray,
    skin_moved: np.ndarray,
    *,
    features: np.ndarray,
    surfaces: np.ndarray | None = None,
    method: str,
) -> LightingEstimate:
    """The estimate from (log R/G, log B/G, EV) of the light and of the skin's own shift,
    pinned by those of ``surfaces`` (``grey_surface_colours``) that look grey."""
    light, skin_moved = _within_known_lights(light), _within_known_lights(skin_moved)
    if surfaces is not None:
        # The skin's own shift is the light's plus what clipping took out of the sample: the
        # light part of it moves with the light.
        pinned = pin_to_grey_surfaces(light[:2], surfaces)
        skin_moved = np.concatenate([skin_moved[:2] + pinned - light[:2], skin_moved[2:]])
        light = np.concatenate([pinned, light[2:]])
    log_rg, log_bg, ev = (float(v) for v in _fade_small_shifts(light))
    return LightingEstimate(
        gains=gains_from_targets(*_fade_small_shifts(skin_moved)),
        light_gains=gains_from_targets(log_rg, log_bg, ev),
        cct_k=int(log_chromaticity_to_cct(log_rg, log_bg)),
        exposure_ev=round(ev, 3),
        cast_strength=round(float(np.hypot(log_rg, log_bg) / _TUNGSTEN_CAST), 3),
        confidence=round(_confidence(features), 3),
        method=method,
    )


# The lights an estimate may name: blackbodies from 2000 K to 15000 K (log R/G and log B/G
# relative to D65) with room for a tint, and four stops either way. Training spans 2500-9500 K
# and -1..+0.7 EV; a prediction far outside is extrapolation on a photo unlike any seen, and
# dividing by it would give colours no skin has (b* in the hundreds).
_TARGET_LOW = np.array([-0.35, -3.5, -4.0])
_TARGET_HIGH = np.array([1.4, 0.65, 4.0])


def _within_known_lights(targets: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(targets, dtype=np.float64), _TARGET_LOW, _TARGET_HIGH)


# --- grey surfaces ----------------------------------------------------------------------------

# A plain wall behind the person, or a white or grey top, is grey in many selfies (colour
# analysts ask for a white wall), and a grey surface shows the light's colour far more exactly
# than anything on the face: the development set's backdrop varies by 0.007 log units from
# photo to photo as shot, the whites of the eyes by 0.06 from person to person. Nothing in a
# photo says whether a surface is grey, so that is weighed as a hypothesis: the light a
# surface implies if it were grey counts only where it agrees with the light read from the
# face and scene cues and from the other surfaces; a coloured wall or top implies a light they
# do not, and drops out.
# Each surface: (log R/G, log B/G) of a grey one in a daylight photo at a normal exposure, and
# the per-channel quantiles it is read at (each ratio at the first whose two channels stayed
# unclipped). The colours are the training people's photos as shot
# (`bench/lighting_figures.py --priors`): their backdrop is a slightly cool grey, their
# T-shirts white. A wall blown out by a bright or warm light still has a shaded tenth or
# twentieth that did not clip (docs/skin_tone.md, "A blown-out wall's shaded part"); a top is
# not read that low, where its folds, the neck and hair take over.
GREY_SURFACES = {
    "backdrop": ((-0.044, -0.011), (0.5, 0.25, 0.1, 0.05)),
    "clothing": ((-0.001, 0.002), (0.9, 0.75)),
}
_GREY_SPREAD = 0.02  # how far a grey or white surface strays from that (log chromaticity)
_ESTIMATE_SPREAD = 0.05  # the face-based estimate's error on people it never saw (model card)
# Disagreement, in standard deviations of the difference, at which a surface counts half. Near
# grey paint is common: pale blue or off-white walls imply a light 0.1-0.2 log units off, and a
# gate at 2.5 (spread 0.03) half believed them, moving skin by 3-4 degrees of ITA where it did
# not gain anything on the evaluation's copies (tests/engine/test_lighting.py).
_GREY_GATE = 1.0
_MIN_SURFACE_PIXELS = 30


def grey_surface_colours(rgb: np.ndarray, face: Face) -> np.ndarray:
    """(log R/G, log B/G) of each of ``GREY_SURFACES`` (rows), NaN where unreadable (a ratio
    whose channels clipped at every quantile tried).

    Channel by channel quantiles of 8-bit values: on a grey surface every channel orders the
    pixels alike (by how lit they are), so a quantile under the clipped part reads its colour
    exactly, where a median over only the unclipped pixels keeps their darker part and shifts.
    """
    scene8, box, stride = _scene_sample(np.asarray(rgb), face.box)
    regions = {
        "backdrop": scene8[_backdrop_region(scene8.shape[:2], box, stride)],
        "clothing": _clothing_region(scene8, box, stride).reshape(-1, 3),
    }
    colours = np.full((len(GREY_SURFACES), 2), np.nan)
    for row, (name, (_, shares)) in enumerate(GREY_SURFACES.items()):
        pixels = regions[name]
        if len(pixels) < _MIN_SURFACE_PIXELS:
            continue
        counts = _channel_cumulative_counts(pixels)
        for share in shares:
            if np.isfinite(colours[row]).all():
                break
            values8 = _interpolated_quantiles(counts, share)
            logs = np.log(np.maximum(srgb_to_linear(values8 / 255.0), LINEAR_FLOOR))
            # A white top under a warm lamp clips in red first: its blue against green still
            # tells the light, and is kept.
            for column, channel in enumerate((0, 2)):
                if (
                    np.isnan(colours[row, column])
                    and max(values8[channel], values8[1]) < CLIPPED_8BIT
                ):
                    colours[row, column] = logs[channel] - logs[1]
    return colours


def _interpolated_quantiles(cumulative: np.ndarray, share: float) -> np.ndarray:
    """Each channel's ``share`` quantile from ``_channel_cumulative_counts``, between 8-bit
    codes: a surface's few hundred pixels spread over a handful of codes, and a whole code
    (about 0.01 in log chromaticity at mid grey) would be most of a grey wall's spread."""
    rank = share * cumulative[0, -1]
    values = np.empty(len(cumulative))
    for channel, counts in enumerate(cumulative):
        code = int(np.searchsorted(counts, rank, side="right"))
        below = counts[code - 1] if code else 0
        values[channel] = code - 0.5 + (rank - below) / max(counts[min(code, 255)] - below, 1)
    return values


def pin_to_grey_surfaces(light_chroma: np.ndarray, surfaces: np.ndarray) -> np.ndarray:
    """The light's (log R/G, log B/G) with the hypothesis that each surface is grey weighed in.

    A surface counts by the odds that it is grey, given how far the light it implies lies from
    the light the face and the *other* surfaces give (half at ``_GREY_GATE`` standard
    deviations, fading fast beyond), and then by its precision against the face's; ratio by
    ratio, so that a surface of which only one could be read (the other clipped) pins that one.
    Judged against the others too, a grey wall and a white top that agree vouch for each
    other, and a near-grey wall that a white top contradicts is doubted more than the face
    alone could doubt it.
    """
    light_chroma = np.asarray(light_chroma, dtype=np.float64)
    grey_colours = np.array([colour for colour, _ in GREY_SURFACES.values()])
    implied = np.asarray(surfaces, dtype=np.float64) - grey_colours
    references = [
        _weigh_surfaces(light_chroma, np.delete(implied, index, axis=0))
        for index in range(len(implied))
    ]
    return _weigh_surfaces(light_chroma, implied, references)[0]


def _weigh_surfaces(
    light_chroma: np.ndarray,
    implied: np.ndarray,
    references: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The face's light with the ``implied`` lights of grey surfaces weighed in, and its
    variance per ratio. Each surface is judged against its entry of ``references`` (a light
    and its variance), or against the face's light alone."""
    precision = np.full(2, 1.0 / _ESTIMATE_SPREAD**2)
    weighted = light_chroma * precision
    for index, surface in enumerate(implied):
        read = np.isfinite(surface)
        if not read.any():
            continue
        if references is None:
            reference, variance = light_chroma, np.full(2, _ESTIMATE_SPREAD**2)
        else:
            reference, variance = references[index]
        distance2 = float(
            np.sum((surface[read] - reference[read]) ** 2 / (variance[read] + _GREY_SPREAD**2))
        )
        grey = 1.0 / (1.0 + np.exp(min((distance2 - _GREY_GATE**2) / 2, 50.0)))
        weighted = weighted + np.where(read, surface, 0.0) * grey / _GREY_SPREAD**2
        precision = precision + read * grey / _GREY_SPREAD**2
    return weighted / precision, 1.0 / precision


def _fade_small_shifts(targets: np.ndarray) -> np.ndarray:
    """Scale (log R/G, log B/G, EV) by s^2 / (s^2 + small^2): near 1 for a real cast or
    exposure error, near 0 for one within the estimate's own noise."""
    targets = np.asarray(targets, dtype=np.float64)
    cast = float(targets[0] ** 2 + targets[1] ** 2)
    ev = float(targets[2] ** 2)
    return np.array(
        [
            targets[0] * cast / (cast + _SMALL_CAST**2),
            targets[1] * cast / (cast + _SMALL_CAST**2),
            targets[2] * ev / (ev + _SMALL_EV**2),
        ]
    )


# --- cues -------------------------------------------------------------------------------------


def lighting_features(rgb: np.ndarray, face: Face, skin: SkinSample) -> np.ndarray:
    """Every lighting cue of the photo, as one vector named by ``FEATURE_NAMES``."""
    rgb = np.asarray(rgb)
    scene8, around_box, stride = _scene_sample(rgb, face.box)
    scene = srgb8_to_linear(scene8)
    unclipped = brightest_channel(scene8) < CLIPPED_8BIT
    flat = scene.reshape(-1, 3)
    flat_unclipped = select_rows(flat, unclipped)
    unclipped_y = _luminance(flat_unclipped)
    flat8 = scene8.reshape(-1, 3)
    scene_counts = _channel_cumulative_counts(flat8)
    white_patch, bright_mean = _brightest_means(flat_unclipped, unclipped_y, (0.02, 0.25))

    skin_rgb = np.asarray(skin.linear_rgb, dtype=np.float32).reshape(-1, 3)
    skin_rgb = skin_rgb[:: max(1, len(skin_rgb) // _SKIN_PIXELS)]
    skin_y = _luminance(skin_rgb)
    sclera = np.asarray(sclera_linear_rgb(rgb, face), dtype=np.float64).reshape(-1, 3)
    teeth = np.asarray(teeth_linear_rgb(rgb, face), dtype=np.float64).reshape(-1, 3)
    backdrop, clothing, clothing_clipped = _backdrop_and_clothing(
        scene, unclipped, around_box, stride
    )

    colours = {
        "skin": median(skin_rgb, axis=0) if len(skin_rgb) else None,
        "skin_bright": _brightest_means(skin_rgb, skin_y, (0.25,))[0],
        "sclera": median(sclera, axis=0) if len(sclera) >= _MIN_PATCH else None,
        "teeth": median(teeth, axis=0) if len(teeth) >= _MIN_PATCH else None,
        "white_patch": white_patch,
        "bright_mean": bright_mean,
        "grey_world": flat.mean(axis=0),
        "grey_edge": _grey_edge(scene),
        "backdrop": backdrop,
        "clothing": clothing,
    }
    present = {name: value is not None for name, value in colours.items()}
    # A missing cue borrows the nearest one that moves the same way with the light, so a
    # closed mouth or a face that clipped shifts the prediction as little as possible.
    for name, stand_ins in _STAND_INS.items():
        if colours[name] is None:
            colours[name] = next(colours[other] for other in stand_ins if present[other])

    # Where the face clipped, the skin sample rebuilt red at its darker pixels' hue and left out
    # what clipped in green or blue: how much of the face clipped, and how little skin was
    # kept, say how far that moved it.
    x0, y0, x1, y1 = face.box[:4]
    face_area = max((x1 - x0) * (y1 - y0), 1)
    face_stride = max(1, int(np.sqrt(face_area / 2000)))
    face8 = rgb[y0:y1:face_stride, x0:x1:face_stride]
    patch_scale = (_REFERENCE_FACE_WIDTH_PX / max(x1 - x0, 1)) ** 2
    extras = {
        "sclera_pixels": _patch_size(len(sclera), patch_scale),
        "teeth_pixels": _patch_size(len(teeth), patch_scale),
        "clothing_present": float(present["clothing"]),
        "scene_clipped": 1.0 - float(unclipped.mean()),
        "clothing_clipped": clothing_clipped,
        "face_clipped": float(np.mean(brightest_channel(face8) >= CLIPPED_8BIT))
        if face8.size
        else 0.0,
        # Each sample stands for a step x step block: counted in pixels, the share does not
        # jump when a face a few pixels larger is sampled at a coarser pitch.
        "skin_kept_share": len(skin.linear_rgb) * skin.step**2 / face_area,
        "skin_spread": (
            float(np.diff(np.log(np.maximum(_quantiles(skin_y, (0.1, 0.9)), LINEAR_FLOOR)))[0])
            if len(skin_y)
            else 0.0
        ),
    }
    clothing_pixels = _clothing_region(scene8, around_box, stride).reshape(-1, 3)
    channels = [
        _channel_quantiles(_channel_cumulative_counts(face8.reshape(-1, 3)), (0.5, 0.9)),
        _channel_quantiles(_channel_cumulative_counts(clothing_pixels), (0.9,)),
        _channel_quantiles(scene_counts, (0.95,)),
        (scene_counts[:, -1] - scene_counts[:, CLIPPED_8BIT - 1]) / max(len(flat), 1),
    ]
    return np.concatenate(
        [_log_colours([colours[name] for name in CUES])]
        + [_scene_chroma_percentiles(select_rows(flat8, unclipped), unclipped_y)]
        + channels
        + [np.array(list(extras.values()))]
    )


def _scene_sample(rgb: np.ndarray, box) -> tuple[np.ndarray, tuple[int, int, int, int], int]:
    """About ``_SCENE_PIXELS`` pixels of the region around the face, every ``stride``-th along
    each axis; the face box in the region's full-resolution pixels; the stride."""
    around, around_box = _around_face(rgb, box)
    height, width = around.shape[:2]
    stride = max(1, int(np.sqrt(height * width / _SCENE_PIXELS)))
    # One copy of the sampled pixels: every look-up and count then reads them in order.
    return np.ascontiguousarray(around[::stride, ::stride]), around_box, stride


def _around_face(rgb: np.ndarray, box) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The part of ``rgb`` the scene cues read, and the face box in its pixels."""
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = box[:4]
    face_width, face_height = max(x1 - x0, 1), max(y1 - y0, 1)
    centre = (x0 + x1) / 2
    left = int(_clip(centre - _SCENE_HALF_WIDTH * face_width, 0, width - 1))
    right = int(_clip(centre + _SCENE_HALF_WIDTH * face_width, left + 1, width))
    top = int(_clip(y0 - _SCENE_ABOVE * face_height, 0, height - 1))
    bottom = int(_clip(y1 + _SCENE_BELOW * face_height, top + 1, height))
    return rgb[top:bottom, left:right], (x0 - left, y0 - top, x1 - left, y1 - top)


def _clip(value: float, low: float, high: float) -> float:
    # np.clip on one number costs microseconds of array set-up; this is the same min and max.
    return min(max(value, low), high)


def _patch_size(pixels: int, scale: float) -> float:
    """Log pixel count of a neutral patch as if the face were the reference width; 0 when the
    patch is too small to count, so that the rules agree with the cues on what was read."""
    return float(np.log1p(pixels * scale)) if pixels >= _MIN_PATCH else 0.0


def _channel_cumulative_counts(pixels8: np.ndarray) -> np.ndarray:
    """(3, 256) cumulative counts of each channel's 8-bit values in (N, 3) ``pixels8``.

    Quantiles and clipped shares of 8-bit values read off these histograms cost a fraction of
    what sorting each channel does.
    """
    return np.array([np.cumsum(np.bincount(pixels8[:, c], minlength=256)) for c in range(3)])


def _channel_quantiles(cumulative: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Log linear value of each channel's nearest-rank quantiles (stat by stat, then r, g, b),
    from ``_channel_cumulative_counts``."""
    total = int(cumulative[0, -1])
    if total == 0:
        return np.full(3 * len(shares), np.log(LINEAR_FLOOR))
    ranks = [min(total - 1, int(share * total)) for share in shares]
    values = np.array([np.searchsorted(counts, ranks, side="right") for counts in cumulative]).T
    return _LOG_LINEAR8[values].reshape(-1)


def _scene_chroma_percentiles(pixels8: np.ndarray, luminance: np.ndarray) -> np.ndarray:
    """10th, 50th and 90th percentiles of log R/G and log B/G over the lit part of the scene.

    ``pixels8`` are 8-bit sRGB and ``luminance`` their linear luminance. A coloured wall fills
    one end of the spread, a lamp's cast moves all of it.
    """
    if len(pixels8) < 50:
        return np.zeros(6)
    lit = select_rows(pixels8, luminance > 0.02)
    if len(lit) < 50:
        lit = pixels8
    red, green, blue = _LOG_LINEAR8[lit].T
    return np.concatenate([_quantiles(other - green, (0.1, 0.5, 0.9)) for other in (red, blue)])


def _luminance(linear: np.ndarray) -> np.ndarray:
    # Spelled out: a (N, 3) @ (3,) product goes through BLAS, which is slower for this shape
    # and, on a busy machine, much slower still.
    return linear[..., 0] * LUMA[0] + linear[..., 1] * LUMA[1] + linear[..., 2] * LUMA[2]


def _quantiles(values: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Nearest-rank quantiles, by one partial sort."""
    ranks = [min(len(values) - 1, int(share * len(values))) for share in shares]
    return np.partition(values, ranks)[ranks].astype(np.float64)


def _log_colours(linear: list[np.ndarray]) -> np.ndarray:
    """log R/G, log B/G, log Y of each colour in turn (all of them in one pass)."""
    rgb = np.maximum(np.array(linear, dtype=np.float64), LINEAR_FLOOR)
    red, green, blue = rgb.T
    return np.array([np.log(red / green), np.log(blue / green), np.log(_luminance(rgb))]).T.ravel()


def _brightest_means(
    pixels: np.ndarray, luminance: np.ndarray, shares: tuple[float, ...]
) -> list[np.ndarray | None]:
    """The mean of the brightest ``share`` of ``pixels`` (whose linear luminance is
    ``luminance``), for each share (one partial sort).

    Over the unclipped scene, 2 % is a white-patch (max-RGB) estimate that ignores highlights
    and 25 % one less led by a single white object.
    """
    if len(pixels) < 30:
        return [None] * len(shares)
    counts = [max(1, int(share * len(pixels))) for share in shares]
    order = np.argpartition(luminance, sorted(len(pixels) - c for c in counts))
    # Summed channel by channel: numpy sums (N, 3) rows over N one row at a time.
    channels = pixels.T
    return [
        np.take(channels, order[-count:], axis=1).sum(axis=1, dtype=np.float64) / count
        for count in counts
    ]


def _grey_edge(scene: np.ndarray) -> np.ndarray:
    """Mean gradient size per channel: edges average to grey in most scenes (van de Weijer)."""
    height, width = scene.shape[:2]
    # Channel planes: numpy sums an (H, W, 3) array over H and W one pixel at a time.
    planes = np.ascontiguousarray(scene.transpose(2, 0, 1))
    dx = np.abs(planes[:, :, 1:] - planes[:, :, :-1]).sum(axis=(1, 2), dtype=np.float64)
    dy = np.abs(planes[:, 1:] - planes[:, :-1]).sum(axis=(1, 2), dtype=np.float64)
    return (dx / max(height * (width - 1), 1) + dy / max((height - 1) * width, 1)) / 2


def _backdrop_and_clothing(
    scene: np.ndarray, unclipped: np.ndarray, box, stride: int
) -> tuple[np.ndarray | None, np.ndarray | None, float]:
    """The photo's border above the chin (median), the clothing below it (brightest tenth of
    its unclipped pixels) and the share of the clothing that clipped."""
    region = _backdrop_region(scene.shape[:2], box, stride) & unclipped
    backdrop = median(select_rows(scene, region), axis=0) if region.sum() >= 30 else None

    region_unclipped = _clothing_region(unclipped, box, stride)
    if region_unclipped.size < 9:
        return backdrop, None, 0.0
    pixels = select_rows(_clothing_region(scene, box, stride), region_unclipped)
    clothing = _brightest_means(pixels, _luminance(pixels), (0.1,))[0]
    return backdrop, clothing, 1.0 - float(region_unclipped.mean())


def _backdrop_region(shape: tuple[int, int], box, stride: int) -> np.ndarray:
    """Mask of the border of a picture (sampled every ``stride`` pixels) above the chin."""
    height, width = shape
    border = max(1, int(round(0.06 * min(height, width))))
    chin = int(_clip(box[3] / stride, border, height))
    region = np.zeros((height, width), dtype=bool)
    region[:border, :] = True
    region[:chin, :border] = True
    region[:chin, -border:] = True
    return region


def _clothing_region(picture: np.ndarray, box, stride: int) -> np.ndarray:
    """The part of ``picture`` (sampled every ``stride`` pixels) below the chin: clothing."""
    height, width = picture.shape[:2]
    x0, y0, x1, y1 = (v / stride for v in box[:4])
    top = int(y1 + 0.3 * max(y1 - y0, 1.0))
    centre, half = (x0 + x1) / 2, (x1 - x0)
    left, right = int(max(centre - half, 0)), int(min(centre + half, width))
    return picture[min(top, height) :, left : max(right, left)]


def _present(features: dict[str, float]) -> dict[str, bool]:
    """Which of the cues that can be missing were read (the others stood in for them)."""
    return {
        "sclera": features["sclera_pixels"] > 0.0,
        "teeth": features["teeth_pixels"] > 0.0,
        "clothing": features["clothing_present"] > 0.5,
    }


def _confidence(features: np.ndarray) -> float:
    """How far the neutral cues agree on the light's colour, as 0..1."""
    named = dict(zip(FEATURE_NAMES, features, strict=True))
    present = _present(named)
    references = [name for name in RULE_PRIORS if name != "skin" and present.get(name, True)]
    chroma = np.array(
        [
            [
                named[f"{name}_log_rg"] - RULE_PRIORS[name][0],
                named[f"{name}_log_bg"] - RULE_PRIORS[name][1],
            ]
            for name in references
        ]
    )
    spread = float(np.sqrt(np.mean(np.sum((chroma - median(chroma, axis=0)) ** 2, axis=1))))
    # A clipped face or scene hides part of what the estimate reads.
    clipped = max(named["face_clipped"], named["scene_clipped"])
    return float(np.clip(np.exp(-((spread / 0.15) ** 2)) * (1.0 - clipped), 0.0, 1.0))


# --- rule-based baseline ----------------------------------------------------------------------

# (log R/G, log B/G, log Y) of each cue in a daylight photo at a normal exposure: medians over
# the training people's photos as shot (bench/lighting_figures.py --priors prints them again).
RULE_PRIORS = {
    "sclera": (0.068, 0.0, -0.897),
    "teeth": (0.073, -0.014, -0.829),
    "white_patch": (-0.001, 0.0, -0.086),
    "grey_world": (0.015, -0.019, -0.579),
    "skin": (0.49, -0.175, -0.992),
}
# How far each cue is trusted for the light's colour and for the exposure: about the inverse
# of its spread around the true light over relit copies (the eyes are the best neutral; a
# white patch clips under warm light; skin and grey-world vary with the person and scene).
_RULE_CHROMA_WEIGHTS = {"sclera": 4.0, "teeth": 3.0, "white_patch": 2.0, "skin": 1.0}
_RULE_EXPOSURE_WEIGHTS = {"sclera": 2.0, "teeth": 1.0, "grey_world": 0.5}


def rule_based_targets(features: np.ndarray) -> np.ndarray:
    """(log R/G, log B/G, EV) from calibrated white-patch cues, without a trained model."""
    named = dict(zip(FEATURE_NAMES, features, strict=True))
    present = _present(named)

    def weighted(weights: dict[str, float], part: int) -> float:
        total = value = 0.0
        for name, weight in weights.items():
            if not present.get(name, True):
                continue
            suffix = ("log_rg", "log_bg", "log_y")[part]
            value += weight * (named[f"{name}_{suffix}"] - RULE_PRIORS[name][part])
            total += weight
        return value / total if total else 0.0

    ev = weighted(_RULE_EXPOSURE_WEIGHTS, 2) / np.log(2)
    return np.array([weighted(_RULE_CHROMA_WEIGHTS, 0), weighted(_RULE_CHROMA_WEIGHTS, 1), ev])


# --- learned estimator ------------------------------------------------------------------------


# Exposures beyond the evaluation's range (relight.EV_RANGE, -1..+0.7 EV) are read by a second
# ensemble trained with copies out to -2 and +1.5 EV: the first, trained within the range,
# reads them as the nearest exposure it knew (2 stops under as -1.4 EV, ITA 20 degrees too
# dark), and the second, which reads them, is a little worse on photos as shot
# (docs/lighting_model_card.md). The second counts from where the exposure it reads enters the
# range's last tenth of a stop (-0.9 and +0.6 EV), and fully 0.25 EV further, so nothing jumps;
# photos as shot and the rest of the range are the first's alone.
_BEYOND_RANGE_EDGE_EV = 0.1
_BEYOND_RANGE_FROM_EV = (EV_RANGE[0] + _BEYOND_RANGE_EDGE_EV, EV_RANGE[1] - _BEYOND_RANGE_EDGE_EV)
_BEYOND_RANGE_RAMP_EV = 0.25


def beyond_range_weight(ev: np.ndarray) -> np.ndarray:
    """How much the beyond-range ensemble counts, from the exposure it reads (stops)."""
    low, high = _BEYOND_RANGE_FROM_EV
    ev = np.asarray(ev, dtype=np.float64)
    past = np.maximum(low - ev, ev - high)
    return np.clip(past / _BEYOND_RANGE_RAMP_EV, 0.0, 1.0)


@dataclass(frozen=True)
class Ensemble:
    """Small MLPs, each with a linear skip path, from standardised cues to six targets; the
    prediction is the members' mean.

    (log R/G, log B/G, EV) of the light, then the same three for how far the skin sample
    itself moved (the light plus what clipping took out of the sample). Members differ only
    in their random start: averaging them cancels much of the error each makes on people it
    never saw.
    """

    feature_mean: np.ndarray
    feature_scale: np.ndarray
    linear_weights: np.ndarray  # (members, features, 6)
    hidden_weights: np.ndarray  # (members, features, hidden)
    hidden_bias: np.ndarray  # (members, hidden)
    output_weights: np.ndarray  # (members, hidden, 6)
    output_bias: np.ndarray  # (members, 6)

    def predict(self, features: np.ndarray) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - self.feature_mean) / self.feature_scale
        hidden = np.tanh(
            np.einsum("nf,mfh->mnh", x, self.hidden_weights) + self.hidden_bias[:, None]
        )
        members = (
            np.einsum("nf,mfo->mno", x, self.linear_weights)
            + np.einsum("mnh,mho->mno", hidden, self.output_weights)
            + self.output_bias[:, None]
        )
        return members.mean(axis=0)

    @classmethod
    def of_members(cls, members: list[dict[str, np.ndarray]], **standardisation: np.ndarray):
        """The ensemble of ``members`` (each a dict of one MLP's weights), sharing the
        standardisation ``feature_mean`` and ``feature_scale``."""
        stacked = {name: np.stack([m[name] for m in members]) for name in members[0]}
        return cls(**standardisation, **stacked)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The weights by field name, each name after ``prefix`` (how a file stores them)."""
        return {prefix + name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_arrays(cls, data, prefix: str = "") -> "Ensemble":
        """The ensemble stored in ``data`` (an ``np.load`` of a weights file) under ``prefix``."""
        arrays = {
            name: np.array(data[prefix + name], dtype=np.float64)
            for name in cls.__dataclass_fields__
        }
        # A file written before ensembles holds one MLP without the members axis.
        if arrays["hidden_weights"].ndim == 2:
            arrays |= {
                name: arrays[name][None]
                for name in arrays
                if name not in ("feature_mean", "feature_scale")
            }
        return cls(**arrays)


_BEYOND_PREFIX = "beyond_range_"


@dataclass(frozen=True)
class LightingModel:
    """The learned estimator: the ensemble trained within the evaluation's exposures, and
    (where trained) the one that also saw exposures beyond them, blended by
    ``beyond_range_weight``."""

    within_range: Ensemble
    beyond_range: Ensemble | None = None

    def predict(self, features: np.ndarray) -> np.ndarray:
        within = self.within_range.predict(features)
        if self.beyond_range is None:
            return within
        beyond = self.beyond_range.predict(features)
        weight = beyond_range_weight(beyond[:, 2])[:, None]
        return within + weight * (beyond - within)

    def save(self, path: Path, **metadata: str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        beyond = self.beyond_range.arrays(_BEYOND_PREFIX) if self.beyond_range else {}
        np.savez_compressed(
            path,
            feature_names=np.array(FEATURE_NAMES),
            **self.within_range.arrays(),
            **beyond,
            **{f"meta_{key}": np.array(value) for key, value in metadata.items()},
        )

    @classmethod
    def load(cls, path: Path) -> "LightingModel":
        with np.load(path, allow_pickle=False) as data:
            names = tuple(str(name) for name in data["feature_names"])
            if names != FEATURE_NAMES:
                raise ValueError(f"{path} was trained on other cues; retrain it")
            beyond = (
                Ensemble.from_arrays(data, _BEYOND_PREFIX)
                if _BEYOND_PREFIX + "hidden_weights" in data
                else None
            )
            return cls(Ensemble.from_arrays(data), beyond)


def held_out_identities(path: Path = MODEL_PATH) -> set[str]:
    """The people a weights file was not trained on (its evaluation set)."""
    with np.load(path, allow_pickle=False) as data:
        return set(str(data["meta_held_out_identities"]).split(","))
