"""Colour maths against published values."""

import numpy as np
import pytest

from chromamatch import colour

# Sharma, Wu and Dalal (2005), "The CIEDE2000 colour-difference formula", Table 1.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_every_published_pair():
    lab1 = np.array([p[0] for p in SHARMA_PAIRS])
    lab2 = np.array([p[1] for p in SHARMA_PAIRS])
    expected = np.array([p[2] for p in SHARMA_PAIRS])

    np.testing.assert_allclose(colour.ciede2000(lab1, lab2), expected, atol=1e-4)


def test_ciede2000_is_symmetric_and_zero_on_identity():
    lab = np.array([62.1, 11.3, 17.9])
    assert colour.ciede2000(lab, lab) == 0
    assert colour.ciede2000(lab, lab + 1) == pytest.approx(colour.ciede2000(lab + 1, lab))


@pytest.mark.parametrize(
    ("rgb8", "lab"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
        ((0, 255, 0), (87.7347, -86.1827, 83.1793)),
        ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
    ],
)
def test_srgb_to_lab_matches_published_values(rgb8, lab):
    np.testing.assert_allclose(colour.srgb8_to_lab(np.array(rgb8)), lab, atol=2e-3)


def test_lab_round_trips_through_srgb_and_hex():
    rgb = np.array([[180, 138, 112], [40, 30, 20], [246, 237, 228]])
    assert np.array_equal(colour.lab_to_srgb8(colour.srgb8_to_lab(rgb)), rgb)
    assert colour.lab_to_hex(colour.hex_to_lab("#b48a70")) == "#b48a70"
    assert colour.rgb8_to_hex(colour.hex_to_rgb8("#AbC")) == "#aabbcc"


@pytest.mark.parametrize("text", ["", "#12345", "red", "#gg0000", "#1234567"])
def test_hex_parsing_refuses_what_is_not_a_colour(text):
    with pytest.raises(ValueError, match="not a colour"):
        colour.hex_to_rgb8(text)


def test_ita_is_the_angle_of_lightness_over_yellowness():
    # The first manifest row: ref_L 72.94, ref_b 16.94 -> ref_ita 53.56.
    assert colour.ita_degrees(72.94, 16.94) == pytest.approx(53.56, abs=0.01)
    assert colour.ita_degrees(50.0, 10.0) == pytest.approx(0.0)
    assert colour.ita_degrees(30.0, 10.0) < -60


def test_blackbody_whites_are_warm_below_and_cool_above_daylight():
    warm, cool = colour.blackbody_gains(2700), colour.blackbody_gains(9500)

    assert warm[0] > 1.5 and warm[2] < 0.5
    assert cool[0] < 1.0 < cool[2]
    # The Planckian locus passes just below D65, so 6504 K is close to, not exactly, neutral.
    np.testing.assert_allclose(colour.blackbody_gains(6504), 1.0, atol=0.07)


@pytest.mark.parametrize("cct", [2500, 3300, 4500, 6500, 9500])
def test_gains_to_cct_inverts_blackbody_gains(cct):
    assert colour.gains_to_cct(colour.blackbody_gains(cct) * 0.7) == pytest.approx(cct, abs=50)
