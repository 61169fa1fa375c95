import numpy as np
import pytest
from PIL import Image

from chromamatch.relight import (
    CCT_RANGE_K,
    EV_RANGE,
    TINT_RANGE,
    linear_to_srgb8,
    person_mask,
    random_lighting,
    random_tone_curve,
    relight,
    srgb8_to_linear,
    tone_curve,
)


@pytest.fixture
def photo() -> np.ndarray:
    """Mid-range colours (nothing near clipping), so every change below is measurable."""
    rng = np.random.default_rng(3)
    return rng.integers(30, 200, size=(48, 64, 3), dtype=np.uint8)


def test_it_round_trips_8_bit_values_through_linear():
    values = np.arange(256, dtype=np.uint8)
    assert np.array_equal(linear_to_srgb8(srgb8_to_linear(values)), values)


def test_it_leaves_a_photo_nearly_unchanged_under_d65(photo):
    out = relight(photo, cct_k=6504, tint=0.0, ev=0.0)
    difference = np.abs(out.astype(int) - photo)
    # A blackbody at 6504 K is a few percent off D65 itself: a handful of levels at most.
    assert difference.mean() < 3
    assert difference.max() <= 8


def test_it_raises_red_against_blue_under_warm_light(photo):
    def red_over_blue(rgb):
        linear = srgb8_to_linear(rgb)
        return float(np.median(linear[..., 0] / linear[..., 2]))

    warm = relight(photo, cct_k=2700, tint=0.0, ev=-0.5)
    cool = relight(photo, cct_k=9000, tint=0.0, ev=0.0)
    assert red_over_blue(warm) > 5 * red_over_blue(photo)
    assert red_over_blue(cool) < 0.9 * red_over_blue(photo)


def test_it_halves_linear_values_one_stop_down(photo):
    full = srgb8_to_linear(relight(photo, cct_k=6504, tint=0.0, ev=0.0))
    half = srgb8_to_linear(relight(photo, cct_k=6504, tint=0.0, ev=-1.0))
    assert np.median(half / full) == pytest.approx(0.5, abs=0.01)


def test_it_tints_green(photo):
    plain = srgb8_to_linear(relight(photo, cct_k=6504, tint=0.0, ev=0.0))
    tinted = srgb8_to_linear(relight(photo, cct_k=6504, tint=0.05, ev=0.0))
    ratio = np.median(tinted / plain, axis=(0, 1))
    assert ratio[1] == pytest.approx(1.05, abs=0.01)
    assert ratio[0] == pytest.approx(1.0, abs=0.01)


def test_it_clips_what_saturates(photo):
    out = relight(photo, cct_k=2500, tint=0.0, ev=0.7)
    assert out.dtype == np.uint8
    assert (out[..., 0] == 255).mean() > 0.3


def test_it_puts_a_wall_behind_the_person_but_leaves_the_person_alone(photo):
    mask = np.zeros(photo.shape[:2], dtype=np.float32)
    mask[:, :32] = 1.0  # the person fills the left half
    plain = relight(photo, cct_k=4000, tint=0.01, ev=-0.2)
    walled = relight(
        photo, cct_k=4000, tint=0.01, ev=-0.2, wall_rgb=(40, 90, 200), person_mask=mask
    )
    assert np.array_equal(walled[:, :32], plain[:, :32])
    background = srgb8_to_linear(walled[:, 32:]).reshape(-1, 3).mean(axis=0)
    assert background[2] > 2 * background[0]  # a blue wall, even under a warm light


def test_it_draws_lights_within_the_documented_ranges():
    rng = np.random.default_rng(0)
    draws = [random_lighting(rng) for _ in range(400)]
    cct = np.array([d["cct_k"] for d in draws])
    assert CCT_RANGE_K[0] <= cct.min() and cct.max() <= CCT_RANGE_K[1]
    assert (cct < 4000).mean() > 0.3  # warm indoor light is well represented
    assert all(TINT_RANGE[0] <= d["tint"] <= TINT_RANGE[1] for d in draws)
    assert all(EV_RANGE[0] <= d["ev"] <= EV_RANGE[1] for d in draws)
    walls = [d["wall_rgb"] for d in draws if d["wall_rgb"] is not None]
    assert 0.4 < len(walls) / len(draws) < 0.6
    assert all(len(w) == 3 and all(0 <= c <= 255 for c in w) for w in walls)
    rgb = np.zeros((8, 8, 3), dtype=np.uint8)
    assert relight(rgb, person_mask=np.ones((8, 8)), **draws[0]).shape == rgb.shape


def test_a_tone_curve_moves_the_mid_tones_and_keeps_black_and_white():
    values = np.arange(256, dtype=np.uint8).reshape(1, 256, 1).repeat(3, axis=2)

    lifted = tone_curve(values, gamma=0.85)[0, :, 0].astype(int)
    lowered = tone_curve(values, gamma=1.2)[0, :, 0].astype(int)
    steeper = tone_curve(values, contrast=0.3)[0, :, 0].astype(int)

    for curve in (lifted, lowered, steeper):
        assert curve[0] == 0 and curve[255] == 255
        assert (np.diff(curve) >= 0).all()  # the order of brightness is kept
    assert lifted[128] - 128 > 10 and 128 - lowered[128] > 10
    assert steeper[64] < 64 and steeper[192] > 192 and abs(steeper[128] - 128) <= 1
    assert (tone_curve(values) == values).all()


def test_it_draws_tone_curves_within_the_documented_ranges():
    rng = np.random.default_rng(0)
    curves = [random_tone_curve(rng) for _ in range(400)]
    gammas = np.array([c["gamma"] for c in curves])
    contrasts = np.array([c["contrast"] for c in curves])

    assert 0.8 <= gammas.min() and gammas.max() <= 1.25
    assert 0.3 < (gammas < 1).mean() < 0.7  # lifted as often as lowered
    assert -0.2 <= contrasts.min() and contrasts.max() <= 0.35


def test_it_finds_the_person_in_a_portrait(shared_faces):
    rgb = np.asarray(Image.open(shared_faces / "images" / "001_03.jpg").convert("RGB"))
    mask = person_mask(rgb)
    height, width = mask.shape
    assert mask.shape == rgb.shape[:2]
    assert mask[height // 2, width // 2] > 0.9  # the face
    assert max(mask[20, 20], mask[20, width - 20]) < 0.1  # the backdrop's top corners


def test_its_person_mask_is_mediapipes_general_selfie_segmentation(shared_faces):
    import mediapipe as mp

    rgb = np.asarray(Image.open(shared_faces / "images" / "001_03.jpg").convert("RGB"))
    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as solution:
        expected = solution.process(rgb).segmentation_mask

    first, again = person_mask(rgb), person_mask(rgb[::2, ::2])

    np.testing.assert_array_equal(first, expected)
    assert again.shape == (
        rgb.shape[0] // 2 + rgb.shape[0] % 2,
        rgb.shape[1] // 2 + rgb.shape[1] % 2,
    )
    assert first.dtype == np.float32 and first.flags.owndata
