import numpy as np
import pytest

from chromamatch.small_arrays import brightest_channel, median, select_rows


def test_it_selects_the_rows_boolean_indexing_selects():
    rng = np.random.default_rng(2)
    picture = rng.integers(0, 256, (40, 30, 3), dtype=np.uint8)
    mask = rng.random((40, 30)) < 0.3
    linear = rng.random((500, 3)).astype(np.float32)
    keep = rng.random(500) < 0.5

    assert np.array_equal(select_rows(picture, mask), picture[mask])
    assert np.array_equal(
        select_rows(picture[5:30:2, 3:20], mask[5:30:2, 3:20]),
        picture[5:30:2, 3:20][mask[5:30:2, 3:20]],
    )
    assert np.array_equal(select_rows(linear, keep), linear[keep])
    assert select_rows(linear, np.zeros(500, bool)).shape == (0, 3)


def test_it_takes_the_brightest_channel():
    picture = np.random.default_rng(3).integers(0, 256, (20, 10, 3), dtype=np.uint8)

    assert np.array_equal(brightest_channel(picture), picture.max(axis=-1))
    assert np.array_equal(
        brightest_channel(picture.reshape(-1, 3)), picture.reshape(-1, 3).max(axis=1)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_its_median_is_numpys(dtype):
    rng = np.random.default_rng(4)
    for count in [1, 2, 3, 4, 11, 12, 600, 601]:
        for scale in (1e-3, 1.0, 300.0):
            pixels = (rng.random((count, 3)) * scale).astype(dtype)
            ties = np.round(pixels * 4) / 4
            for values in (pixels, ties, pixels[:, :2]):
                expected = np.median(values, axis=0)
                found = median(values, axis=0)
                assert np.array_equal(found, expected) and found.dtype == expected.dtype
                column = np.ascontiguousarray(values[:, 0])
                assert median(column) == np.median(column)
                assert type(median(column)) is type(np.median(column))
