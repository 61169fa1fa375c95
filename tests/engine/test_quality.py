import dataclasses
import io

import cv2
import numpy as np
import pytest
from PIL import Image

from chromamatch.analysis import analyze
from chromamatch.evaluation import in_large_frame
from chromamatch.face_landmarks import find_faces
from chromamatch.image_loading import encode_jpeg, load_image
from chromamatch.lighting import held_out_identities
from chromamatch.quality import WARNINGS, assess_quality
from chromamatch.relight import linear_to_srgb8, srgb8_to_linear

NEUTRAL_LIGHT = {"exposure_ev": 0.0, "cast_strength": 0.1}


@pytest.fixture(scope="module")
def portrait(shared_faces):
    rgb = load_image((shared_faces / "images" / "045_03.jpg").read_bytes()).rgb
    return rgb, find_faces(rgb).face


def test_it_gives_a_frontal_studio_portrait_no_warning(portrait):
    rgb, face = portrait

    warnings, score = assess_quality(rgb, face, faces_count=1, **NEUTRAL_LIGHT)

    assert warnings == []
    assert score == 1.0


def test_it_calls_a_blurred_copy_blurry(portrait):
    rgb, face = portrait
    blurred = cv2.GaussianBlur(rgb, (0, 0), 0.025 * (face.box[2] - face.box[0]))

    warnings, score = assess_quality(blurred, face, faces_count=1, **NEUTRAL_LIGHT)

    assert warnings == ["blurry"]
    assert score < 1.0


def test_it_warns_about_a_second_face(portrait):
    rgb, face = portrait

    warnings, score = assess_quality(rgb, face, faces_count=2, **NEUTRAL_LIGHT)

    assert warnings == ["multiple_faces"]
    assert 0.0 < score < 1.0


def test_it_calls_a_darkened_photo_too_dark(portrait):
    rgb, face = portrait
    darker = (rgb // 4).astype(np.uint8)

    warnings, _ = assess_quality(darker, face, faces_count=1, exposure_ev=-2.0, cast_strength=0.1)

    assert "too_dark" in warnings
    assert "blurry" not in warnings  # sharpness is relative to the face's own brightness


@pytest.mark.parametrize(("ev", "warning"), [(-2.0, "too_dark"), (1.0, "overexposed")])
def test_a_photo_exposed_beyond_what_the_correction_knows_is_flagged(shared_faces, ev, warning):
    """Four people the lighting model never saw, two stops under or one over: the
    correction reads such photos short of the truth (degrees of ITA off), so the result must
    say the photo needs taking again."""
    for person in sorted(held_out_identities())[:4]:
        full = np.asarray(Image.open(shared_faces / f"images/{person}_03.jpg").convert("RGB"))
        exposed = linear_to_srgb8(srgb8_to_linear(full) * 2.0**ev)

        result = analyze(encode_jpeg(exposed, quality=92))

        assert warning in result["quality"]["warnings"], person


def test_it_calls_a_washed_out_photo_overexposed(portrait):
    rgb, face = portrait
    brighter = np.clip(rgb.astype(np.int16) * 2, 0, 255).astype(np.uint8)

    warnings, _ = assess_quality(brighter, face, faces_count=1, **NEUTRAL_LIGHT)

    assert "overexposed" in warnings


def test_it_warns_about_a_strong_colour_cast(portrait):
    rgb, face = portrait

    warnings, _ = assess_quality(rgb, face, faces_count=1, exposure_ev=0.0, cast_strength=1.0)

    assert warnings == ["colour_cast"]


def test_it_calls_a_tilted_head_turned(portrait):
    rgb, _ = portrait
    height, width = rgb.shape[:2]
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), 25, 1.0)
    tilted = cv2.warpAffine(rgb, rotation, (width, height), borderMode=cv2.BORDER_REPLICATE)

    warnings, _ = assess_quality(tilted, find_faces(tilted).face, faces_count=1, **NEUTRAL_LIGHT)

    assert "head_turned" in warnings


def test_it_calls_a_face_with_the_lids_together_eyes_closed(portrait):
    rgb, face = portrait
    landmarks = face.landmarks.copy()
    for upper, lower in ((159, 145), (160, 144), (158, 153), (386, 374), (385, 380), (387, 373)):
        landmarks[upper] = landmarks[lower] = (landmarks[upper] + landmarks[lower]) / 2
    closed = dataclasses.replace(face, landmarks=landmarks)

    warnings, score = assess_quality(rgb, closed, faces_count=1, **NEUTRAL_LIGHT)

    assert warnings == ["eyes_closed"]
    assert score < 1.0


def test_it_warns_about_a_face_the_frame_cuts(portrait):
    rgb, face = portrait
    # The frame cuts a fifth of the face's width away on the image's left.
    x0, _, x1, _ = face.box
    cut = np.ascontiguousarray(rgb[:, x0 + (x1 - x0) // 5 :])
    cut_face = find_faces(cut).face
    assert cut_face.landmarks[:, 0].min() < 0  # FaceMesh places the lost part outside

    warnings, score = assess_quality(cut, cut_face, faces_count=1, **NEUTRAL_LIGHT)

    assert warnings == ["face_cut_off"]
    assert score < 1.0


def test_it_warns_about_a_face_lit_from_one_side(portrait):
    rgb, face = portrait

    even, _ = assess_quality(rgb, face, faces_count=1, **NEUTRAL_LIGHT)
    one_side, score = assess_quality(rgb, face, faces_count=1, lit_unevenly=True, **NEUTRAL_LIGHT)

    assert even == []
    assert one_side == ["uneven_light"]
    assert score < 1.0


def test_it_lowers_the_score_with_each_warning(portrait):
    rgb, face = portrait
    blurred = cv2.GaussianBlur(rgb, (0, 0), 0.025 * (face.box[2] - face.box[0]))

    one, one_score = assess_quality(blurred, face, faces_count=1, **NEUTRAL_LIGHT)
    three, three_score = assess_quality(
        blurred, face, faces_count=3, exposure_ev=0.0, cast_strength=0.9
    )

    assert len(one) == 1 and len(three) == 3
    assert set(three) <= set(WARNINGS)
    assert 0.0 <= three_score < one_score < 1.0


@pytest.mark.parametrize(
    ("quality", "warned"), [(None, False), (92, False), (69, True), (35, True)]
)
def test_it_warns_about_a_heavily_compressed_jpeg(portrait, quality, warned):
    rgb, face = portrait

    warnings, score = assess_quality(
        rgb, face, faces_count=1, jpeg_quality=quality, **NEUTRAL_LIGHT
    )

    assert warnings == (["heavily_compressed"] if warned else [])
    assert (score < 1.0) == warned


def test_a_squeezed_photo_is_warned_end_to_end_and_the_original_is_not(shared_faces):
    data = (shared_faces / "images" / "045_03.jpg").read_bytes()
    squeezed = encode_jpeg(load_image(data).rgb, quality=40)

    assert "heavily_compressed" not in analyze(data)["quality"]["warnings"]
    assert "heavily_compressed" in analyze(squeezed)["quality"]["warnings"]


@pytest.mark.parametrize(("face_width", "warned"), [(170, True), (190, False)])
def test_it_warns_about_a_face_too_few_pixels_wide_in_the_photo(portrait, face_width, warned):
    rgb, face = portrait

    # The analysed copy is the photo scaled by photo_scale: the face spans face_width of the
    # photo's own pixels.
    warnings, score = assess_quality(
        rgb,
        face,
        faces_count=1,
        photo_scale=np.ptp(face.landmarks[:, 0]) / face_width,
        **NEUTRAL_LIGHT,
    )

    assert warnings == (["small_face"] if warned else [])
    assert (score < 1.0) == warned


def test_a_shrunk_photo_is_warned_and_a_small_face_in_a_large_photo_is_not(shared_faces):
    data = (shared_faces / "images" / "045_03.jpg").read_bytes()
    photo = Image.open(io.BytesIO(data)).convert("RGB")
    as_shot = analyze(data)
    face_box = as_shot["face_box"]
    shrink = 150 / (face_box[2] - face_box[0])
    shrunk = photo.resize((round(photo.width * shrink), round(photo.height * shrink)))
    frame = in_large_frame(photo)

    assert "small_face" not in as_shot["quality"]["warnings"]
    assert (
        "small_face" in analyze(encode_jpeg(np.asarray(shrunk), quality=95))["quality"]["warnings"]
    )
    # The face is 75 px wide at the analysis size but about 470 in the photo, which is read
    # again closer (analysis.REREAD_BELOW_PX).
    assert (
        "small_face"
        not in analyze(encode_jpeg(np.asarray(frame), quality=92))["quality"]["warnings"]
    )
