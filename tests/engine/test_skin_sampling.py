import numpy as np
import pytest

from chromamatch.colour import LUMA, blackbody_gains, ita_degrees, linear_rgb_to_lab
from chromamatch.cover_ups import with_beard, with_mask, with_sunglasses
from chromamatch.errors import AnalysisError
from chromamatch.face_landmarks import find_faces
from chromamatch.faces_manifest import read_manifest
from chromamatch.image_loading import load_image
from chromamatch.relight import linear_to_srgb8, srgb8_to_linear
from chromamatch.skin_sampling import (
    REGIONS,
    SkinSample,
    _with_red_rebuilt,  # the rebuilding rule itself
    cheeks_lit_unevenly,
    eyes_seen,
    sample_skin,
    sclera_linear_rgb,
    skin_debug_picture,
    skin_linear_rgb,
    steady_skin_linear_rgb,
    teeth_linear_rgb,
)

EYES_AND_BROWS = [33, 133, 159, 145, 468, 469, 471, 263, 362, 386, 374, 473, 474, 476, 105, 334]
LIPS = [61, 291, 0, 17, 13, 14, 78, 308, 40, 270, 91, 321]


def dataset_face(shared_faces, name: str):
    rgb = load_image((shared_faces / "images" / name).read_bytes()).rgb
    return rgb, find_faces(rgb).face


def test_it_keeps_eyes_brows_and_lips_out_of_the_skin(shared_faces):
    rgb, face = dataset_face(shared_faces, "001_08.jpg")

    sample = sample_skin(rgb, face)

    assert set(sample.region_counts) == set(REGIONS)
    assert all(count > 0 for count in sample.region_counts.values())
    assert sample.mask.shape == rgb.shape[:2] and sample.mask.dtype == bool
    assert len(sample.linear_rgb) == sum(sample.region_counts.values())
    for index in EYES_AND_BROWS + LIPS:
        x, y = np.round(face.landmarks[index, :2]).astype(int)
        assert not sample.mask[y - 2 : y + 3, x - 2 : x + 3].any(), f"landmark {index} is in"


def test_it_keeps_nearly_the_same_pixels_when_the_photo_is_relit(shared_faces):
    rgb, face = dataset_face(shared_faces, "012_03.jpg")
    relit = linear_to_srgb8(srgb8_to_linear(rgb) * blackbody_gains(2700) * 0.5)

    as_shot = sample_skin(rgb, face).mask
    under_lamp = sample_skin(relit, find_faces(relit).face).mask

    assert (as_shot & under_lamp).sum() / as_shot.sum() > 0.8
    assert under_lamp.sum() / as_shot.sum() == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize("name", ["012_03.jpg", "036_03.jpg"])
def test_an_overexposed_face_whose_red_clipped_keeps_its_lightness(shared_faces, name):
    rgb, face = dataset_face(shared_faces, name)
    light = blackbody_gains(3000) * 2.0**0.7
    relit = linear_to_srgb8(srgb8_to_linear(rgb) * light)
    as_shot = sample_skin(rgb, face)
    assert (relit[as_shot.mask][:, 0] >= 250).mean() > 0.5, "the lamp should clip most red"

    overexposed = sample_skin(relit, find_faces(relit).face)
    # The true light divided out: what is left is the sampling's own error.
    lab = linear_rgb_to_lab(np.clip(skin_linear_rgb(overexposed) / light, 0.0, 1.0))

    # Dropping the clipped pixels read these 15-21 L* and 3 b* too low; a*, the hue, is
    # not asserted: with most red clipped it is the darker pixels'.
    expected = linear_rgb_to_lab(skin_linear_rgb(as_shot))
    assert lab[0] == pytest.approx(expected[0], abs=1.5)
    assert lab[2] == pytest.approx(expected[2], abs=2.0)


def test_red_is_rebuilt_from_green_at_the_faces_own_ratio():
    rng = np.random.default_rng(1)
    # A face of one colour (linear R/G 1.6) under shading from 0.3 to 1.0: the brighter
    # pixels clip red, none clips green or blue.
    shade = rng.uniform(0.3, 1.0, 2000)
    pixels = linear_to_srgb8(np.stack([shade * 1.28, shade * 0.8, shade * 0.6], axis=1))
    red_clipped = pixels[:, 0] >= 250
    assert 0.2 < red_clipped.mean() < 0.6

    linear, logs, readable = _with_red_rebuilt(pixels)

    assert readable.all()
    rebuilt = linear[red_clipped]
    assert np.median(rebuilt[:, 0] / rebuilt[:, 1]) == pytest.approx(1.6, rel=0.03)
    assert rebuilt[:, 0].min() >= srgb8_to_linear(np.uint8(250)), "never below the clipped value"
    assert np.allclose(logs, np.log(linear))
    assert np.allclose(linear[~red_clipped], srgb8_to_linear(pixels[~red_clipped]), atol=1e-6)


def test_a_pixel_whose_green_or_blue_clipped_cannot_be_read():
    pixels = np.full((400, 3), (200, 150, 120), dtype=np.uint8)
    pixels[:30] = (255, 252, 230)
    pixels[30:60] = (240, 200, 255)

    _, _, readable = _with_red_rebuilt(pixels)

    assert not readable[:60].any() and readable[60:].all()


def test_a_face_washed_out_to_white_is_refused_saying_so(shared_faces):
    rgb, face = dataset_face(shared_faces, "012_03.jpg")  # a light skin
    washed_out = linear_to_srgb8(srgb8_to_linear(rgb) * 2.0**2.5)

    with pytest.raises(AnalysisError) as refused:
        skin_linear_rgb(sample_skin(washed_out, face))

    assert refused.value.code == "no_face"
    assert "brightly lit" in refused.value.message and "exposure" in refused.value.message


def test_a_face_with_no_bare_skin_left_is_not_called_washed_out():
    empty = SkinSample(
        linear_rgb=np.empty((0, 3)),
        mask=np.zeros((4, 4), dtype=bool),
        region_counts=dict.fromkeys(REGIONS, 0),
        regions=np.empty(0, dtype=np.int64),
    )

    with pytest.raises(AnalysisError) as refused:
        skin_linear_rgb(empty)

    assert "uncovered" in refused.value.message


@pytest.mark.parametrize("name", ["036_03.jpg", "006_03.jpg", "061_08.jpg"])
def test_it_measures_skin_close_to_the_reference_ita(shared_faces, name):
    reference = next(p for p in read_manifest(shared_faces) if p.file == f"images/{name}")
    rgb, face = dataset_face(shared_faces, name)

    lab = linear_rgb_to_lab(skin_linear_rgb(sample_skin(rgb, face)))

    assert float(ita_degrees(lab[0], lab[2])) == pytest.approx(reference.ref_ita, abs=4)


def test_it_finds_eye_whites_brighter_and_greyer_than_the_skin(shared_faces):
    rgb, face = dataset_face(shared_faces, "061_03.jpg")  # dark skin: the whites stand out
    skin = skin_linear_rgb(sample_skin(rgb, face))

    sclera = sclera_linear_rgb(rgb, face)

    assert sclera.ndim == 2 and sclera.shape[1] == 3 and len(sclera) >= 20
    white = np.median(sclera, axis=0)
    assert white @ LUMA > 2 * (skin @ LUMA)
    assert white[0] / white[2] < skin[0] / skin[2]


def test_it_finds_teeth_only_when_the_mouth_is_open(shared_faces):
    neutral_rgb, neutral = dataset_face(shared_faces, "002_03.jpg")
    smiling_rgb, smiling = dataset_face(shared_faces, "002_08.jpg")

    closed = teeth_linear_rgb(neutral_rgb, neutral)
    teeth = teeth_linear_rgb(smiling_rgb, smiling)

    assert closed.shape == (0, 3)
    assert len(teeth) >= 100
    lab = linear_rgb_to_lab(np.median(teeth, axis=0))
    assert lab[0] > 70 and np.hypot(lab[1], lab[2]) < 10


def test_it_draws_the_kept_pixels_bright_on_a_dimmed_photo(shared_faces):
    rgb, face = dataset_face(shared_faces, "001_03.jpg")
    sample = sample_skin(rgb, face)

    picture = skin_debug_picture(rgb, sample)

    assert picture.shape == rgb.shape and picture.dtype == np.uint8
    outside = ~sample.mask
    assert picture[outside].mean() < 0.5 * rgb[outside].mean()
    kept_unchanged = (picture[sample.mask] == rgb[sample.mask]).all(axis=1).mean()
    assert kept_unchanged > 0.8  # all but the outline


def test_it_refuses_to_summarise_a_face_with_no_bare_skin(shared_faces):
    rgb, face = dataset_face(shared_faces, "001_03.jpg")
    blown_out = np.full_like(rgb, 255)

    sample = sample_skin(blown_out, face)

    assert sum(sample.region_counts.values()) == 0
    with pytest.raises(AnalysisError) as refused:
        skin_linear_rgb(sample)
    assert refused.value.code == "no_face"


def test_it_summarises_the_cheeks_by_their_median_in_cielab_as_the_reference_does():
    rng = np.random.default_rng(3)
    # Shaded skin: a spread of lightness with the colour moving along it, as on a real cheek.
    shade = rng.uniform(0.2, 1.0, 400)
    linear = np.stack([0.5 * shade, 0.3 * shade**1.3, 0.2 * shade**1.6], axis=1)
    regions = np.where(np.arange(400) < 300, REGIONS.index("cheeks"), REGIONS.index("chin"))
    sample = SkinSample(linear, np.zeros((2, 2), bool), {}, regions)

    lab = linear_rgb_to_lab(skin_linear_rgb(sample))

    expected = np.median(linear_rgb_to_lab(linear[:300]), axis=0)
    assert lab == pytest.approx(expected, abs=1e-6)
    assert not np.allclose(lab, linear_rgb_to_lab(np.median(linear[:300], axis=0)), atol=0.1)


def _steady_sample(nose_pixels: int, seed: int = 5) -> tuple[SkinSample, list[np.ndarray]]:
    """A sample of cheeks, forehead and a nose bridge of ``nose_pixels``, with its parts."""
    rng = np.random.default_rng(seed)

    def patch(colour, count):
        return np.asarray(colour) * rng.uniform(0.8, 1.0, (count, 1))

    cheeks, forehead = patch([0.5, 0.25, 0.15], 300), patch([0.45, 0.3, 0.2], 500)
    nose = patch([0.4, 0.3, 0.22], nose_pixels)
    linear = np.concatenate([cheeks, forehead, nose])
    regions = np.repeat(
        [REGIONS.index(r) for r in ("cheeks", "forehead", "nose_bridge")], [300, 500, nose_pixels]
    )
    return SkinSample(linear, np.zeros((2, 2), bool), {}, regions), [forehead, nose]


def test_it_reads_steady_skin_from_the_forehead_and_nose_bridge_region_by_region():
    sample, parts = _steady_sample(nose_pixels=120)

    lab = linear_rgb_to_lab(steady_skin_linear_rgb(sample))

    # The mean of each region's median, so a larger forehead does not outweigh the nose.
    per_region = [np.median(linear_rgb_to_lab(part), axis=0) for part in parts]
    assert lab == pytest.approx(np.mean(per_region, axis=0), abs=1e-6)


def test_a_nose_bridge_at_the_edge_of_counting_moves_the_steady_skin_smoothly():
    # Re-saving a photo moved one development face's nose bridge from 30 to 28 pixels; when it
    # counted fully from 30, that moved the reading by 3 L*.
    readings = {
        count: linear_rgb_to_lab(steady_skin_linear_rgb(_steady_sample(count)[0]))
        for count in (29, 31, 60, 120)
    }
    forehead_only, both = readings[29], readings[120]
    assert np.abs(both - forehead_only).max() > 1.0
    assert np.abs(readings[31] - readings[29]).max() < 0.1 * np.abs(both - forehead_only).max()
    # Half way up the ramp, the nose bridge counts half as much as the forehead.
    sample, parts = _steady_sample(60)
    forehead, nose = (np.median(linear_rgb_to_lab(part), axis=0) for part in parts)
    assert readings[60] == pytest.approx((forehead + 0.5 * nose) / 1.5, abs=1e-6)


def test_it_has_no_steady_skin_when_forehead_and_nose_are_hidden():
    linear = np.full((300, 3), 0.3)
    regions = np.full(300, REGIONS.index("cheeks"))
    sample = SkinSample(linear, np.zeros((2, 2), bool), {}, regions)

    assert steady_skin_linear_rgb(sample) is None


@pytest.mark.parametrize(
    ("name", "fabric"),
    [
        ("001_03.jpg", (150, 190, 220)),  # a light blue surgical mask
        ("061_03.jpg", (236, 236, 238)),  # white, on dark skin
        ("104_03.jpg", (30, 30, 32)),  # black cloth
        ("009_03.jpg", (205, 175, 150)),  # beige, close to light skin
    ],
)
def test_it_refuses_cheeks_a_mask_covers(shared_faces, name, fabric):
    rgb, face = dataset_face(shared_faces, name)
    masked = with_mask(rgb, face.landmarks, fabric)

    with pytest.raises(AnalysisError) as refused:
        sample_skin(masked, find_faces(masked).face)

    assert refused.value.code == "no_face"
    assert "cheeks look covered" in str(refused.value)


def test_it_refuses_cheeks_a_full_beard_covers(shared_faces):
    # The lips show, so only the cheeks' colour against the forehead and nose gives it away.
    rgb, face = dataset_face(shared_faces, "006_03.jpg")
    bearded = with_beard(rgb, face.landmarks)

    with pytest.raises(AnalysisError, match="cheeks look covered"):
        sample_skin(bearded, find_faces(bearded).face)


@pytest.mark.parametrize("name", ["001_08.jpg", "061_08.jpg", "137_03.jpg", "114_08.jpg"])
def test_it_reads_bare_cheeks_however_unlike_the_forehead_they_are(shared_faces, name):
    # 137_03 (a shiny forehead over darker cheeks) and 114_08 come closest to either line.
    rgb, face = dataset_face(shared_faces, name)

    assert sample_skin(rgb, face).region_counts["cheeks"] > 0


@pytest.mark.parametrize("lens", [(20, 22, 25), (90, 60, 40), (205, 205, 210)])
def test_it_sees_no_eye_whites_behind_dark_tinted_or_mirrored_glasses(shared_faces, lens):
    rgb, face = dataset_face(shared_faces, "001_03.jpg")
    assert eyes_seen(rgb, face) == [True, True]
    covered = with_sunglasses(rgb, face.landmarks, lens)
    face = find_faces(covered).face

    assert eyes_seen(covered, face) == [False, False]
    assert len(sclera_linear_rgb(covered, face)) == 0


def test_it_reads_a_face_lit_from_one_side_on_its_lit_cheek(shared_faces):
    rgb, face = dataset_face(shared_faces, "045_03.jpg")
    as_shot = sample_skin(rgb, face)
    # The light falls across the face to a third of itself at the image-left edge.
    left, right = face.landmarks[:, 0].min(), face.landmarks[:, 0].max()
    across = np.clip((np.arange(rgb.shape[1]) - left) / (right - left), 0, 1)
    lit = linear_to_srgb8(srgb8_to_linear(rgb) * (0.35 + 0.65 * across)[None, :, None])
    side_lit = sample_skin(lit, find_faces(lit).face)

    assert abs(as_shot.cheek_asymmetry) < 0.2
    # The person's left cheek is on the image's right: the lit one.
    assert side_lit.cheek_asymmetry > 0.35
    both = linear_rgb_to_lab(np.median(side_lit.linear_rgb[side_lit.regions == 0], axis=0))
    lit_only = linear_rgb_to_lab(skin_linear_rgb(side_lit))
    assert lit_only[0] > both[0] + 2  # the shaded cheek no longer pulls the skin darker


def test_it_tells_cheeks_lit_by_two_lights_of_different_colours(shared_faces):
    rgb, face = dataset_face(shared_faces, "045_03.jpg")
    left, right = face.landmarks[:, 0].min(), face.landmarks[:, 0].max()
    across = np.clip((np.arange(rgb.shape[1]) - left) / (right - left), 0, 1)[None, :, None]
    lamp, window = (blackbody_gains(k) / (blackbody_gains(k) @ LUMA) for k in (3000, 6500))
    linear = srgb8_to_linear(rgb)
    mixed = linear_to_srgb8(linear * (lamp * (1 - across) + window * across))
    lamp_only = linear_to_srgb8(linear * lamp)

    assert not cheeks_lit_unevenly(sample_skin(rgb, face))
    assert not cheeks_lit_unevenly(sample_skin(lamp_only, find_faces(lamp_only).face))
    assert cheeks_lit_unevenly(sample_skin(mixed, find_faces(mixed).face))
