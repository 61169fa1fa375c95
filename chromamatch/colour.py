"""Colour science the engine relies on: sRGB, CIE XYZ and CIELAB (D65), CIEDE2000, ITA, and
the white of a blackbody light in linear sRGB.

Everything is vectorised over the last axis of size 3 and works on float64 arrays.
"""

import numpy as np

# IEC 61966-2-1 sRGB primaries with a D65 white.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
# Relative luminance Y of linear sRGB (ITU-R BT.709 weights, the middle row above to four
# places): the one brightness every part of the engine sorts, clips and exposes by. The lighting
# model's cues were computed with these exact values.
LUMA = np.array([0.2126, 0.7152, 0.0722])
D65_XYZ = _RGB_TO_XYZ @ np.ones(3)  # (0.95047, 1.0, 1.08883)
# 8-bit values at or above this are taken as clipped: a channel that saturated holds no colour,
# and JPEG ringing leaves saturated areas a few codes below 255. Every part of the engine that
# leaves clipped pixels out (skin, eyes, hair, lighting cues, quality) uses this one level.
CLIPPED_8BIT = 250
# 8-bit values whose brightest channel is at or below this are a few codes of dark shadow: the
# ratios between their channels are what JPEG rounding made of them, not a colour.
NEAR_BLACK_8BIT = 24
# Linear values are floored here before their logarithm: below it an 8-bit sRGB value is 0.
LINEAR_FLOOR = 1e-4

_EPSILON = 216 / 24389
_KAPPA = 24389 / 27


def srgb_to_linear(srgb: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve; ``srgb`` in 0..1 (divide 8-bit values by 255 first)."""
    srgb = np.asarray(srgb, dtype=np.float64)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(np.asarray(linear, dtype=np.float64), 0.0, None)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def linear_rgb_to_xyz(linear: np.ndarray) -> np.ndarray:
    return np.asarray(linear, dtype=np.float64) @ _RGB_TO_XYZ.T


def xyz_to_linear_rgb(xyz: np.ndarray) -> np.ndarray:
    return np.asarray(xyz, dtype=np.float64) @ _XYZ_TO_RGB.T


def xyz_to_lab(xyz: np.ndarray) -> np.ndarray:
    t = np.asarray(xyz, dtype=np.float64) / D65_XYZ
    f = np.where(t > _EPSILON, np.cbrt(t), (_KAPPA * t + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def lab_to_xyz(lab: np.ndarray) -> np.ndarray:
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    t = np.where(f**3 > _EPSILON, f**3, (116 * f - 16) / _KAPPA)
    return t * D65_XYZ


def linear_rgb_to_lab(linear: np.ndarray) -> np.ndarray:
    return xyz_to_lab(linear_rgb_to_xyz(linear))


def lab_to_linear_rgb(lab: np.ndarray) -> np.ndarray:
    return xyz_to_linear_rgb(lab_to_xyz(lab))


def srgb8_to_lab(rgb8: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of 8-bit sRGB values."""
    return linear_rgb_to_lab(srgb_to_linear(np.asarray(rgb8, dtype=np.float64) / 255.0))


def lab_to_srgb8(lab: np.ndarray) -> np.ndarray:
    """8-bit sRGB of Lab colours; colours outside the gamut are clipped."""
    srgb = linear_to_srgb(np.clip(lab_to_linear_rgb(lab), 0.0, 1.0))
    return np.clip(np.rint(srgb * 255), 0, 255).astype(np.uint8)


def rgb8_to_hex(rgb8) -> str:
    r, g, b = (int(v) for v in np.asarray(rgb8).reshape(3))
    return f"#{r:02x}{g:02x}{b:02x}"


def hex_to_rgb8(hex_colour: str) -> np.ndarray:
    """Parse ``#rrggbb`` or ``#rgb``; raise ValueError on anything else."""
    text = hex_colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in text):
        raise ValueError(f"{hex_colour!r} is not a colour like #a1b2c3")
    return np.array([int(text[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def lab_to_hex(lab) -> str:
    return rgb8_to_hex(lab_to_srgb8(np.asarray(lab, dtype=np.float64)))


def hex_to_lab(hex_colour: str) -> np.ndarray:
    return srgb8_to_lab(hex_to_rgb8(hex_colour))


def ita_degrees(lightness, b_star):
    """Individual Typology Angle: atan2(L* - 50, b*) in degrees."""
    return np.degrees(np.arctan2(np.asarray(lightness) - 50.0, np.asarray(b_star)))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1), as in Sharma, Wu and Dalal (2005)."""
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]

    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360

    dL = L2 - L1
    dC = c2p - c1p
    # Hue differences of exactly 180 degrees are ties in the published formula; rounding in
    # atan2 must not push them to the other branch (Sharma's pairs 13-15 test this).
    tie = 1e-9
    dh = h2p - h1p
    dh = np.where(dh > 180 + tie, dh - 360, np.where(dh < -180 - tie, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dH = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))

    L_mean = (L1 + L2) / 2
    c_mean_p = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180 + tie,
        h_sum / 2,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
    )
    h_mean = np.where(c1p * c2p == 0, h_sum, h_mean)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_mean_p**7 / (c_mean_p**7 + 25.0**7))
    s_l = 1 + 0.015 * (L_mean - 50) ** 2 / np.sqrt(20 + (L_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean_p
    s_h = 1 + 0.015 * c_mean_p * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt(
        (dL / s_l) ** 2 + (dC / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dC / s_c) * (dH / s_h)
    )


def blackbody_xy(cct_k: float) -> np.ndarray:
    """CIE 1931 chromaticity of a Planckian radiator (Kim et al. cubic spline, 1667-25000 K)."""
    t = float(np.clip(cct_k, 1667.0, 25000.0))
    if t <= 4000:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
    else:
        x = -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390
    if t <= 2222:
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    elif t <= 4000:
        y = -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867
    else:
        y = 3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483
    return np.array([x, y])


def blackbody_gains(cct_k: float) -> np.ndarray:
    """Linear-sRGB white of a blackbody at ``cct_k`` relative to D65, with green = 1.

    Multiplying a daylight photo's linear RGB by these gains is how a camera without white
    balance would record the scene under that light.
    """
    x, y = blackbody_xy(cct_k)
    rgb = xyz_to_linear_rgb(np.array([x / y, 1.0, (1 - x - y) / y]))
    return rgb / rgb[1]


def gains_to_cct(gains: np.ndarray) -> float:
    """The blackbody temperature whose white is nearest to ``gains`` in log(R/G), log(B/G)."""
    gains = np.asarray(gains, dtype=np.float64)
    return log_chromaticity_to_cct(np.log(gains[0] / gains[1]), np.log(gains[2] / gains[1]))


def log_chromaticity_to_cct(log_rg: float, log_bg: float) -> float:
    """The blackbody temperature nearest to a white given as log(R/G), log(B/G).

    One array look-up, since the lighting estimator calls it for every photo.
    """
    distance = np.sum((_CCT_TABLE_LOGS - (log_rg, log_bg)) ** 2, axis=1)
    return float(_CCT_TABLE_K[int(np.argmin(distance))])


# Below about 2200 K a blackbody's blue falls outside the sRGB gamut (negative gain).
_CCT_TABLE_K = np.arange(2200, 20001, 50)
_CCT_TABLE_LOGS = np.array([np.log(blackbody_gains(t)[[0, 2]]) for t in _CCT_TABLE_K])
