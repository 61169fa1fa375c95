"""Pictures the engine tests make."""

import numpy as np


def toned(brightness: np.ndarray, dark=(40, 26, 13), light=(255, 240, 192)) -> np.ndarray:
    """An 8-bit RGB picture whose colour follows from ``brightness`` (0-255) alone, from
    ``dark`` to ``light``: what a sepia filter (the default colours) or a tinted black and white
    makes of a photo."""
    level = (np.asarray(brightness, dtype=np.float64) / 255)[..., None]
    return np.round(np.array(dark) + level * (np.array(light) - np.array(dark))).astype(np.uint8)
