import numpy as np
import pytest
from PIL import Image

from chromamatch import colour, engine_data, evaluation
from chromamatch.face_landmarks import find_faces
from chromamatch.image_loading import encode_jpeg, load_image
from chromamatch.lighting import (
    FEATURE_NAMES,
    GREY_SURFACES,
    MODEL_PATH,
    Ensemble,
    LightingEstimate,
    LightingModel,
    correct_linear_rgb,
    estimate_from_targets,
    estimate_lighting,
    gains_from_targets,
    grey_surface_colours,
    held_out_identities,
    lighting_features,
    pin_to_grey_surfaces,
    replayed_skin_lab,
    targets_from_gains,
)
from chromamatch.relight import (
    dye_clothing,
    lighting_gains,
    linear_to_srgb8,
    person_mask,
    relight,
    replace_background,
    srgb8_to_linear,
    white_clothing_mask,
)
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb


def _held_out_photo(faces_dir) -> str:
    """A neutral photo of someone the shipped model never saw."""
    return f"images/{sorted(held_out_identities())[0]}_03.jpg"


def _held_out_neutral_photos(faces_dir, count: int):
    """(path, full-size RGB) of the neutral photos of ``count`` people the model never saw."""
    for person in sorted(held_out_identities())[:count]:
        path = faces_dir / f"images/{person}_03.jpg"
        yield path, np.asarray(Image.open(path).convert("RGB"))


@pytest.fixture(scope="module")
def held_out(shared_faces):
    path = shared_faces / _held_out_photo(shared_faces)
    full = np.asarray(Image.open(path).convert("RGB"))
    return {"full": full, "mask": person_mask(full), "shot": load_image(path.read_bytes()).rgb}


def _skin_ita(rgb: np.ndarray, method: str | None) -> tuple[float, LightingEstimate | None]:
    face = find_faces(rgb).face
    skin = sample_skin(rgb, face)
    linear = skin_linear_rgb(skin)
    estimate = None
    if method is not None:
        estimate = estimate_lighting(rgb, face, skin, method=method)
        linear = correct_linear_rgb(linear, estimate)
    lab = colour.linear_rgb_to_lab(linear)
    return float(colour.ita_degrees(lab[0], lab[2])), estimate


def _upload(rgb: np.ndarray) -> np.ndarray:
    return load_image(encode_jpeg(rgb, quality=92)).rgb


def test_it_divides_colours_by_the_gains():
    estimate = LightingEstimate(
        gains=np.array([2.0, 1.0, 0.5]),
        light_gains=np.array([2.0, 1.0, 0.5]),
        cct_k=3000,
        exposure_ev=0.0,
        cast_strength=0.9,
        confidence=0.8,
        method="rule",
    )
    corrected = correct_linear_rgb(np.array([[0.4, 0.2, 0.1]]), estimate)
    assert corrected == pytest.approx(np.array([[0.2, 0.2, 0.2]]))


def test_an_absurd_estimate_cannot_give_a_colour_no_skin_has():
    # Far beyond any light trained on (a prediction on a photo unlike any seen).
    absurd = np.array([3.0, -9.0, 6.0])
    estimate = estimate_from_targets(
        absurd, absurd, features=np.zeros(len(FEATURE_NAMES)), method="learned"
    )

    skin = colour.linear_rgb_to_lab(correct_linear_rgb(np.array([0.30, 0.20, 0.12]), estimate))

    assert 0 <= skin[0] <= 100
    assert abs(skin[1]) < 128 and abs(skin[2]) < 128
    assert 1500 <= estimate.cct_k <= 16000


def test_it_turns_gains_into_targets_and_back():
    gains = np.array([1.7, 0.9, 0.4])
    assert gains_from_targets(*targets_from_gains(gains)) == pytest.approx(gains)
    assert targets_from_gains(np.ones(3)) == pytest.approx(np.zeros(3))


def test_it_loads_the_shipped_weights_without_pickle():
    with np.load(MODEL_PATH, allow_pickle=False) as data:
        assert tuple(str(n) for n in data["feature_names"]) == FEATURE_NAMES
    model = LightingModel.load(MODEL_PATH)
    prediction = model.predict(np.zeros((2, len(FEATURE_NAMES))))
    assert prediction.shape == (2, 6)
    assert np.isfinite(prediction).all()


def test_it_refuses_weights_trained_on_other_cues(tmp_path):
    model = LightingModel.load(MODEL_PATH)
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["feature_names"] = arrays["feature_names"][::-1]
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="other cues"):
        LightingModel.load(path)


def _member(features: int, hidden: int, bias: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(int(abs(bias) * 10))
    return {
        "linear_weights": rng.normal(size=(features, 6)),
        "hidden_weights": rng.normal(size=(features, hidden)),
        "hidden_bias": rng.normal(size=hidden),
        "output_weights": rng.normal(size=(hidden, 6)),
        "output_bias": np.full(6, bias),
    }


def _single(member: dict[str, np.ndarray], features: int) -> Ensemble:
    return Ensemble.of_members(
        [member], feature_mean=np.zeros(features), feature_scale=np.ones(features)
    )


def test_an_ensemble_predicts_the_mean_of_its_members(tmp_path):
    features = len(FEATURE_NAMES)
    members = [_member(features, 4, bias) for bias in (0.5, -1.0, 2.0)]
    ensemble = Ensemble.of_members(
        members, feature_mean=np.zeros(features), feature_scale=np.ones(features)
    )
    x = np.random.default_rng(0).normal(size=(3, features))
    expected = np.mean([_single(m, features).predict(x) for m in members], axis=0)
    assert ensemble.predict(x) == pytest.approx(expected)
    path = tmp_path / "ensemble.npz"
    LightingModel(ensemble).save(path)
    assert LightingModel.load(path).predict(x) == pytest.approx(expected)


def test_it_loads_a_single_mlp_saved_without_the_members_axis(tmp_path):
    features = len(FEATURE_NAMES)
    member = _member(features, 4, 0.3)
    path = tmp_path / "single.npz"
    np.savez(
        path,
        feature_names=np.array(FEATURE_NAMES),
        feature_mean=np.zeros(features),
        feature_scale=np.ones(features),
        **member,
    )
    x = np.random.default_rng(1).normal(size=(2, features))
    assert LightingModel.load(path).predict(x) == pytest.approx(
        _single(member, features).predict(x)
    )


def _constant(targets: list[float]) -> Ensemble:
    """An ensemble that predicts ``targets`` whatever the cues."""
    features = len(FEATURE_NAMES)
    member = _member(features, 2, 0.0)
    member = {name: np.zeros_like(value) for name, value in member.items()}
    member["output_bias"] = np.array(targets, dtype=np.float64)
    return _single(member, features)


@pytest.mark.parametrize(
    ("beyond_ev", "beyond_weight"),
    [(-0.5, 0.0), (-0.9, 0.0), (-1.025, 0.5), (-1.15, 1.0), (-2.0, 1.0), (0.6, 0.0), (1.2, 1.0)],
)
def test_the_beyond_range_ensemble_counts_only_past_the_edge_of_the_range(
    tmp_path, beyond_ev, beyond_weight
):
    within = _constant([0.1, -0.1, -0.8, 0.2, -0.2, -0.8])
    beyond = _constant([0.3, 0.1, beyond_ev, 0.4, 0.0, beyond_ev])
    x = np.zeros((1, len(FEATURE_NAMES)))
    expected = (1 - beyond_weight) * within.predict(x) + beyond_weight * beyond.predict(x)
    path = tmp_path / "model.npz"
    LightingModel(within, beyond).save(path)

    for model in (LightingModel(within, beyond), LightingModel.load(path)):
        assert model.predict(x) == pytest.approx(expected)
    assert LightingModel(within).predict(x) == pytest.approx(within.predict(x))


@pytest.mark.parametrize("ev", [-2.0, -1.5, -1.2])
def test_it_takes_out_an_exposure_beyond_the_evaluated_range(held_out, ev):
    """A phone misses by more than the evaluation's -1..+0.7 EV on a dark face before a light
    wall; the within-range ensemble alone read 2 stops under as -1.4 EV and the skin 20 degrees
    of ITA too dark (docs/lighting_model_card.md). Over-exposed photos clip, and are warned so
    (bench/exposure_warnings.py gives how far they still read)."""
    ita_as_shot, _ = _skin_ita(held_out["shot"], "learned")
    exposed = _upload(linear_to_srgb8(srgb8_to_linear(held_out["full"]) * 2.0**ev))
    ita_uncorrected, _ = _skin_ita(exposed, None)
    ita, estimate = _skin_ita(exposed, "learned")
    assert abs(ita_uncorrected - ita_as_shot) > 6  # the exposure did move the skin
    assert abs(estimate.exposure_ev - ev) < 0.3
    assert abs(ita - ita_as_shot) < 4


def test_it_selects_the_rule_based_baseline_or_the_learned_estimator(held_out):
    rgb = held_out["shot"]
    face = find_faces(rgb).face
    skin = sample_skin(rgb, face)
    assert estimate_lighting(rgb, face, skin, method="rule").method == "rule"
    assert estimate_lighting(rgb, face, skin, method="learned").method == "learned"
    assert estimate_lighting(rgb, face, skin).method == "learned"
    with pytest.raises(ValueError, match="unknown lighting method"):
        estimate_lighting(rgb, face, skin, method="magic")
    assert len(lighting_features(rgb, face, skin)) == len(FEATURE_NAMES)


def test_it_leaves_a_photo_as_shot_as_it_is(held_out):
    ita_uncorrected, _ = _skin_ita(held_out["shot"], None)
    ita, estimate = _skin_ita(held_out["shot"], "learned")
    assert abs(estimate.exposure_ev) < 0.1
    assert estimate.cast_strength < 0.05
    assert abs(ita - ita_uncorrected) < 1.5


def test_it_sees_no_cast_in_a_photo_as_shot_with_the_rules_too(held_out):
    _, estimate = _skin_ita(held_out["shot"], "rule")
    assert estimate.cast_strength < 0.1
    assert 6000 < estimate.cct_k < 7500


@pytest.mark.parametrize(
    ("light", "tolerance"),
    [
        # A coloured wall is the harder case: the held-out median is 5.6 degrees with one and
        # 4.5 without (docs/lighting_model_card.md), so one copy is allowed a degree more.
        ({"cct_k": 2900, "tint": 0.02, "ev": -0.4}, 6),
        ({"cct_k": 4200, "tint": -0.03, "ev": 0.3, "wall_rgb": (60, 110, 170)}, 7),
        ({"cct_k": 8000, "tint": 0.0, "ev": -0.8, "wall_rgb": (200, 150, 90)}, 7),
    ],
)
def test_it_takes_the_light_out_of_a_relit_face(held_out, light, tolerance):
    ita_as_shot, _ = _skin_ita(held_out["shot"], None)
    relit = _upload(relight(held_out["full"], person_mask=held_out["mask"], **light))
    ita_uncorrected, _ = _skin_ita(relit, None)
    ita, estimate = _skin_ita(relit, "learned")
    assert abs(ita_uncorrected - ita_as_shot) > tolerance + 5  # the light did move the skin
    assert abs(ita - ita_as_shot) < tolerance
    assert abs(estimate.cct_k - light["cct_k"]) < 0.2 * light["cct_k"]
    # Exposure is the light's luminance: a warm lamp at the same EV brightens the picture.
    light_ev = targets_from_gains(lighting_gains(light["cct_k"], light["tint"], light["ev"]))[2]
    # The held-out p90 of the light's EV error is 0.26 (meta_figures in the model file).
    assert abs(estimate.exposure_ev - light_ev) < 0.26


def test_what_a_person_wears_does_not_move_their_skin(shared_faces):
    """Navy, red, black, yellow or green in place of the development photos' white shirts, on
    four people the model never saw: the shirt is no white reference in other people's
    selfies. Weights that trusted it moved these people by 12 degrees (median, up to 36)."""
    moved = []
    for path, full in _held_out_neutral_photos(shared_faces, 4):
        shirt = white_clothing_mask(full, person_mask(full), find_faces(full).face.box[3])
        assert shirt.mean() > 0.03  # there is a shirt to dye
        ita_as_shot, _ = _skin_ita(load_image(path.read_bytes()).rgb, "learned")
        for dye in [(20, 30, 90), (200, 30, 40), (25, 25, 25), (240, 200, 40), (60, 160, 80)]:
            dyed = linear_to_srgb8(dye_clothing(srgb8_to_linear(full), shirt, dye))
            moved.append(abs(_skin_ita(_upload(dyed), "learned")[0] - ita_as_shot))
    assert np.median(moved) < 2
    assert max(moved) < 4.5


@pytest.mark.parametrize("method", ["learned", "rule"])
def test_it_reports_a_warm_cast(held_out, method):
    relit = _upload(relight(held_out["full"], cct_k=2700, tint=0.0, ev=-0.7))
    face = find_faces(relit).face
    estimate = estimate_lighting(relit, face, sample_skin(relit, face), method=method)
    assert 2500 < estimate.cct_k < 3200
    assert estimate.cast_strength > 0.8
    assert 0.0 <= estimate.confidence <= 1.0
    if method == "learned":  # the rule's exposure, from the eye whites alone, is too rough
        assert -0.6 < estimate.exposure_ev < -0.2  # the light's luminance: -0.7 EV + 0.31


@pytest.mark.parametrize("framing", [evaluation.shrunk, evaluation.in_large_frame])
def test_it_reads_the_same_skin_whatever_the_framing(held_out, framing):
    from chromamatch.lighting_training import load_as_analysed

    picture = np.asarray(framing(Image.fromarray(held_out["full"])))
    rgb, face = load_as_analysed(encode_jpeg(picture, quality=92))
    skin = sample_skin(rgb, face)
    estimate = estimate_lighting(rgb, face, skin, method="learned")
    lab = colour.linear_rgb_to_lab(correct_linear_rgb(skin_linear_rgb(skin), estimate))
    ita_as_shot, _ = _skin_ita(held_out["shot"], "learned")
    assert abs(float(colour.ita_degrees(lab[0], lab[2])) - ita_as_shot) < 3
    assert estimate.cast_strength < 0.1


def test_the_light_and_the_skins_gains_come_from_their_own_targets():
    light_targets, skin_targets = np.array([0.3, -0.4, 0.5]), np.array([0.5, -0.6, -0.45])

    estimate = estimate_from_targets(
        light_targets, skin_targets, features=np.zeros(len(FEATURE_NAMES)), method="learned"
    )

    assert targets_from_gains(estimate.light_gains) == pytest.approx(light_targets, abs=0.01)
    assert targets_from_gains(estimate.gains) == pytest.approx(skin_targets, abs=0.01)
    assert estimate.exposure_ev == pytest.approx(0.5, abs=0.01)


def test_a_surface_that_agrees_with_the_face_pins_the_light_and_a_coloured_one_does_not():
    face_estimate = np.array([0.30, -0.50])
    # Backdrop and top as a grey wall and a white top would read under a light 0.04 away.
    grey_light = face_estimate + np.array([0.03, -0.025])
    grey_wall, white_top = (np.array(grey) for grey, _ in GREY_SURFACES.values())
    agreeing = np.array([grey_light + grey_wall, [np.nan, np.nan]])
    pinned = pin_to_grey_surfaces(face_estimate, agreeing)
    # Most of the way to the wall's light (its spread is smaller than the face's)...
    assert np.linalg.norm(pinned - grey_light) < 0.4 * np.linalg.norm(face_estimate - grey_light)
    # ...and a second grey surface pins it closer still.
    both = np.array([grey_light + grey_wall, grey_light + white_top])
    assert np.linalg.norm(pin_to_grey_surfaces(face_estimate, both) - grey_light) < (
        np.linalg.norm(pinned - grey_light)
    )
    # A blue wall and a red top imply lights the face does not: the estimate stays.
    coloured = np.array([face_estimate + grey_wall + [-0.6, 0.5], face_estimate + [0.7, -0.3]])
    assert pin_to_grey_surfaces(face_estimate, coloured) == pytest.approx(face_estimate, abs=1e-4)
    unreadable = np.full((2, 2), np.nan)
    assert pin_to_grey_surfaces(face_estimate, unreadable) == pytest.approx(face_estimate)
    # A white top whose red clipped shows blue against green only: that ratio is pinned as
    # before, and red against green, which it cannot tell, stays the face's.
    blue_only = np.array([[np.nan, np.nan], [np.nan, (grey_light + white_top)[1]]])
    pinned_blue = pin_to_grey_surfaces(face_estimate, blue_only)
    assert pinned_blue[0] == pytest.approx(face_estimate[0])
    assert abs(pinned_blue[1] - grey_light[1]) < 0.4 * abs(face_estimate[1] - grey_light[1])


def test_a_white_top_that_contradicts_a_near_grey_wall_overrules_it():
    grey_wall, white_top = (np.array(grey) for grey, _ in GREY_SURFACES.values())
    light = np.array([0.30, -0.50])
    face_estimate = light + [0.01, -0.01]
    # Pale blue paint: what a grey wall looks like under a light 0.08 log units cooler.
    pale_blue = light + [-0.05, 0.06] + grey_wall
    alone = pin_to_grey_surfaces(face_estimate, np.array([pale_blue, [np.nan, np.nan]]))
    with_top = pin_to_grey_surfaces(face_estimate, np.array([pale_blue, light + white_top]))
    # Against the face alone the wall is half believed (0.044 off); judged against the face and
    # the top, which agree, it is not (0.018 off when each was judged against the face only).
    assert np.linalg.norm(alone - light) > 0.03
    assert np.linalg.norm(with_top - light) < 0.005


def _backdrop_scene_cue(rgb: np.ndarray, face) -> np.ndarray:
    features = lighting_features(rgb, face, sample_skin(rgb, face))
    named = dict(zip(FEATURE_NAMES, features, strict=True))
    return np.array([named["backdrop_log_rg"], named["backdrop_log_bg"]])


def test_a_grey_backdrop_reads_the_light_or_says_it_cannot(held_out):
    """A bright grey wall under a warm lamp a stop over clips in red: read over only its
    unclipped pixels (the scene cue) it is then far off; the grey-surface reading gives blue
    against green, which stayed unclipped, and says it cannot read red against green. Under a
    lamp a little less warm the wall's red clips over more than three quarters of it, and its
    shaded tenth still reads the light."""
    face = find_faces(held_out["shot"]).face
    as_shot = grey_surface_colours(held_out["shot"], face)[0]
    scene_cue_as_shot = _backdrop_scene_cue(held_out["shot"], face)
    for light, readable in [
        ({"cct_k": 4500, "tint": 0.0, "ev": 0.4}, [True, True]),
        ({"cct_k": 3500, "tint": 0.0, "ev": 0.3}, [True, True]),
        ({"cct_k": 3500, "tint": 0.0, "ev": 0.6}, [False, True]),
    ]:
        relit = _upload(relight(held_out["full"], **light))
        truth = targets_from_gains(lighting_gains(**light))[:2]
        read = grey_surface_colours(relit, face)[0] - as_shot
        assert list(np.isfinite(read)) == readable
        assert np.abs(read - truth)[readable].max() < 0.02
        if not all(readable):
            scene_cue = _backdrop_scene_cue(relit, face) - scene_cue_as_shot
            assert np.abs(scene_cue - truth).max() > 0.1


def _light_chroma_errors(rgb: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """How far the light's (log R/G, log B/G) is from ``truth`` with the grey surfaces weighed
    in (as the engine reads it) and from the face and scene cues alone."""
    face = find_faces(rgb).face
    skin = sample_skin(rgb, face)
    features = lighting_features(rgb, face, skin)
    light, skin_moved = np.split(engine_data.current().lighting_model.predict(features[None])[0], 2)
    errors = []
    for estimate in (
        estimate_lighting(rgb, face, skin),
        estimate_from_targets(light, skin_moved, features=features, method="learned"),
    ):
        errors.append(float(np.abs(targets_from_gains(estimate.light_gains)[:2] - truth).max()))
    return errors[0], errors[1]


def test_a_grey_wall_pins_the_lights_colour_and_a_coloured_one_leaves_it(held_out):
    # A light under which this person's face alone misleads the estimate by 0.08 log units.
    light = {"cct_k": 6000, "tint": 0.0, "ev": -0.3}
    truth = targets_from_gains(lighting_gains(**light))[:2]
    grey = _upload(relight(held_out["full"], person_mask=held_out["mask"], **light))
    pinned, face_only = _light_chroma_errors(grey, truth)
    assert pinned < 0.035
    assert pinned < 0.5 * face_only

    # A blue wall, and the white shirt dyed red: neither implies the light the face does.
    full = held_out["full"]
    shirt = white_clothing_mask(full, held_out["mask"], find_faces(full).face.box[3])
    red_top = linear_to_srgb8(dye_clothing(srgb8_to_linear(full), shirt, (200, 30, 40)))
    coloured = relight(red_top, person_mask=held_out["mask"], wall_rgb=(60, 110, 170), **light)
    pinned, face_only = _light_chroma_errors(_upload(coloured), truth)
    assert pinned == pytest.approx(face_only, abs=0.002)


def test_a_white_top_whose_red_clipped_still_pins_the_light(shared_faces):
    """A warm lamp clips the white T-shirt's red; in front of a red wall the top's blue against
    green is then all that is grey in the picture, and it still pins the light."""
    light = {"cct_k": 3000, "tint": 0.0, "ev": -0.3}
    truth = targets_from_gains(lighting_gains(**light))[:2]
    pinned, face_only = [], []
    for _, full in _held_out_neutral_photos(shared_faces, 4):
        rgb = _upload(relight(full, person_mask=person_mask(full), wall_rgb=(235, 70, 60), **light))
        top = grey_surface_colours(rgb, find_faces(rgb).face)[1]
        assert np.isnan(top[0]) and np.isfinite(top[1])
        errors = _light_chroma_errors(rgb, truth)
        pinned.append(errors[0])
        face_only.append(errors[1])
    assert np.median(pinned) < 0.8 * np.median(face_only)


def test_a_wall_that_is_nearly_grey_does_not_pass_for_grey(shared_faces):
    """Pale blue and off-white paint behind four people the model never saw, in the studio's
    own light: each implies a light 0.1-0.2 log units off, close enough to the face's estimate
    to be half believed by a looser gate (2.5 standard deviations, spread 0.03), which moved
    these people by 4 degrees of ITA (median) on a pale blue wall."""
    moved = []
    for path, full in _held_out_neutral_photos(shared_faces, 4):
        ita_as_shot, _ = _skin_ita(load_image(path.read_bytes()).rgb, "learned")
        for paint in [(215, 225, 240), (250, 245, 235)]:
            painted = replace_background(srgb8_to_linear(full), person_mask(full), paint)
            moved.append(
                abs(_skin_ita(_upload(linear_to_srgb8(painted)), "learned")[0] - ita_as_shot)
            )
    assert np.median(moved) < 2


def test_replaying_the_models_own_prediction_gives_the_engines_skin(held_out):
    # The benchmarks replay other predictions (the true light, another fit) through
    # replayed_skin_lab; fed the model's own, it must be the engine's reading exactly.
    light = {"cct_k": 3200, "tint": 0.0, "ev": 0.3}
    rgb = _upload(relight(held_out["full"], person_mask=held_out["mask"], **light))
    face = find_faces(rgb).face
    skin = sample_skin(rgb, face)
    features = lighting_features(rgb, face, skin)
    prediction = engine_data.current().lighting_model.predict(features[None])[0]
    engine = colour.linear_rgb_to_lab(
        correct_linear_rgb(skin_linear_rgb(skin), estimate_lighting(rgb, face, skin))
    )
    surfaces = grey_surface_colours(rgb, face)
    replayed = replayed_skin_lab(
        prediction, skin_linear_rgb(skin), features=features, surfaces=surfaces
    )
    assert np.allclose(replayed, engine, atol=1e-9)
    # Without the surfaces it is the estimate unpinned: the grey backdrop no longer counts.
    unpinned = replayed_skin_lab(prediction, skin_linear_rgb(skin), features=features)
    assert not np.allclose(unpinned, engine, atol=0.05)


def test_a_copy_through_a_tone_curve_is_trained_to_move_the_skin_by_it(shared_faces):
    from chromamatch.faces_manifest import read_manifest
    from chromamatch.lighting_training import CopyPlan, relit_copies

    photo = next(p for p in read_manifest(shared_faces) if p.expression == "neutral")

    plain = relit_copies(photo, CopyPlan(copies=2, beyond_range_share=0.0))
    curved = relit_copies(photo, CopyPlan(copies=2, curved_share=1.0, beyond_range_share=0.0))

    assert len(plain) == len(curved)
    # The photo itself is never curved; every other copy keeps its light and gets a curve,
    # which moves the skin without moving the light's own target.
    assert np.array_equal(plain[0]["targets"], curved[0]["targets"])
    for before, after in zip(plain[1:], curved[1:], strict=True):
        assert np.array_equal(before["light"], after["light"])
        assert np.abs(after["targets"][3:] - before["targets"][3:]).max() > 0.02


def test_copies_beyond_the_evaluated_exposures_come_on_top_of_the_same_lights(shared_faces):
    from chromamatch.faces_manifest import read_manifest
    from chromamatch.lighting_training import BEYOND_EV_RANGE, SEED, photo_lights
    from chromamatch.relight import EV_RANGE

    photo = next(p for p in read_manifest(shared_faces) if p.expression == "neutral")

    plain = photo_lights(photo, 40, SEED)
    more = photo_lights(photo, 40, SEED, beyond_range_share=0.2)

    assert more[:40] == plain
    extra = [light["ev"] for light, _ in more[40:]]
    assert len(extra) == 8
    assert all(
        BEYOND_EV_RANGE[0] <= ev < EV_RANGE[0] or EV_RANGE[1] < ev <= BEYOND_EV_RANGE[1]
        for ev in extra
    )
    assert min(extra) < EV_RANGE[0] and max(extra) > EV_RANGE[1]


def test_the_within_range_ensemble_is_fitted_on_exactly_the_rows_it_had_without_the_others(
    shared_faces,
):
    from chromamatch.faces_manifest import read_manifest
    from chromamatch.lighting_training import CopyPlan, relit_copies

    photo = next(p for p in read_manifest(shared_faces) if p.expression == "neutral")

    plain = relit_copies(photo, CopyPlan(copies=3, beyond_range_share=0.0))
    more = relit_copies(photo, CopyPlan(copies=3, beyond_range_share=0.5))

    within = [row for row in more if not row["beyond_range"]]
    assert len(more) - len(within) == 2  # ceil(0.5 * 3) copies beyond the range
    assert not any(row["beyond_range"] for row in plain)
    assert len(within) == len(plain)
    for before, after in zip(plain, within, strict=True):
        assert np.array_equal(before["features"], after["features"])
        assert np.array_equal(before["targets"], after["targets"])
