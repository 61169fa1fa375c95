"""numpy operations on the small arrays of one photo, without the generic forms' overhead.

The skin sample and the lighting cues pick rows of a few thousand pixels by a mask, take each
pixel's brightest channel and take medians a dozen times each per photo. numpy indexes (N, 3)
rows by a boolean mask three to four times slower than ``np.compress`` picks the same rows,
reduces a last axis of 3 (``max(axis=-1)``) several times slower than two element-wise maxima,
and spends 10-15 us of argument handling and NaN checks on every ``np.median``. Each function
here gives exactly what its numpy counterpart gives.
"""

import numpy as np


def select_rows(pixels: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``pixels[mask]`` for a boolean ``mask`` over every axis of ``pixels`` but the last."""
    return np.compress(mask.reshape(-1), pixels.reshape(-1, pixels.shape[-1]), axis=0)


def brightest_channel(pixels: np.ndarray) -> np.ndarray:
    """``pixels.max(axis=-1)`` for 3 channels."""
    return np.maximum(np.maximum(pixels[..., 0], pixels[..., 1]), pixels[..., 2])


def median(values: np.ndarray, axis: int | None = None):
    """``np.median(values, axis)`` of a non-empty float array without NaNs.

    The middle value, or the mean of the middle two taken as numpy takes it: their sum, halved,
    in the values' own precision.
    """
    count = values.size if axis is None else values.shape[axis]
    half = count // 2
    if count % 2:
        return np.partition(values, half, axis=axis).take(half, axis=axis)
    middle = np.partition(values, (half - 1, half), axis=axis)
    return (middle.take(half - 1, axis=axis) + middle.take(half, axis=axis)) * values.dtype.type(
        0.5
    )
