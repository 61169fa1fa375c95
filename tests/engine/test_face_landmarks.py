import cv2
import numpy as np
import pytest

from chromamatch.face_landmarks import MIN_FACE_WIDTH_PX, find_faces, mirrored_landmarks
from chromamatch.image_loading import load_image

RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]


def dataset_face(shared_faces, name: str) -> np.ndarray:
    return load_image((shared_faces / "images" / name).read_bytes()).rgb


def inside(polygon: np.ndarray, point: np.ndarray) -> bool:
    contour = polygon.astype(np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) > 0


def test_it_finds_a_dataset_face_with_landmarks_in_its_box_and_irises_in_its_eyes(shared_faces):
    rgb = dataset_face(shared_faces, "001_03.jpg")

    search = find_faces(rgb)

    assert search.count == 1
    face = search.face
    assert face.landmarks.shape == (478, 3) and face.landmarks.dtype == np.float32
    x0, y0, x1, y1 = face.box
    assert 0 <= x0 < x1 <= rgb.shape[1] and 0 <= y0 < y1 <= rgb.shape[0]
    assert 0.25 * rgb.shape[1] < x1 - x0 < 0.6 * rgb.shape[1]  # a studio head-and-shoulders
    xy = face.landmarks[:, :2]
    assert (xy[:, 0] >= x0 - 1).all() and (xy[:, 0] <= x1 + 1).all()
    assert (xy[:, 1] >= y0 - 1).all() and (xy[:, 1] <= y1 + 1).all()
    assert inside(xy[RIGHT_EYE], xy[468]) and inside(xy[LEFT_EYE], xy[473])
    # The person's right eye is on the image's left.
    assert xy[468, 0] < xy[1, 0] < xy[473, 0]
    assert 0.5 <= face.score <= 1.0
    assert x1 - x0 > MIN_FACE_WIDTH_PX


@pytest.mark.parametrize("picture", ["landscape", "wall"])
def test_it_finds_no_face_where_there_is_none(picture):
    rows, columns = np.mgrid[0:720, 0:1280]
    if picture == "landscape":
        sky = np.stack([90 + rows / 8, 140 + rows / 10, 230 - rows / 6], axis=-1)
        noise = np.random.default_rng(3).normal(0, 18, (720, 1280, 3))
        ground = np.stack([60 + noise[..., 0], 110 + noise[..., 1], 50 + noise[..., 2]], -1)
        horizon = 430 + 40 * np.sin(columns / 150)
        rgb = np.where((rows > horizon)[..., None], ground, sky)
    else:
        rgb = np.full((720, 1280, 3), (205, 198, 186), dtype=np.float64) + columns[..., None] / 64
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)

    search = find_faces(rgb)

    assert search.count == 0
    assert search.face is None


def test_it_counts_a_group_photo_and_picks_the_largest_face(shared_faces):
    canvas = np.full((720, 1280, 3), 128, dtype=np.uint8)
    tiles = {"001_03.jpg": (40, 380), "061_03.jpg": (460, 640), "036_03.jpg": (930, 300)}
    placed = {}
    for name, (left, side) in tiles.items():
        tile = cv2.resize(
            dataset_face(shared_faces, name), (side, side), interpolation=cv2.INTER_AREA
        )
        top = 720 - side
        canvas[top:, left : left + side] = tile
        placed[name] = (left, top, left + side, 720)

    search = find_faces(canvas)

    assert search.count == 3
    left, top, right, bottom = placed["061_03.jpg"]
    x0, y0, x1, y1 = search.face.box
    assert left <= (x0 + x1) / 2 <= right and top <= (y0 + y1) / 2 <= bottom


def test_it_finds_a_small_face_and_measures_it_below_the_minimum_width(shared_faces):
    canvas = np.full((960, 1280, 3), 128, dtype=np.uint8)
    side = 200  # the face is then about 75 px wide
    canvas[500 : 500 + side, 600 : 600 + side] = cv2.resize(
        dataset_face(shared_faces, "001_03.jpg"), (side, side), interpolation=cv2.INTER_AREA
    )

    search = find_faces(canvas)

    assert search.count == 1
    x0, _, x1, _ = search.face.box
    assert 600 <= x0 < x1 <= 800
    assert x1 - x0 < MIN_FACE_WIDTH_PX


@pytest.mark.parametrize("name", ["007_03.jpg", "012_03.jpg", "030_03.jpg"])
def test_it_finds_a_face_whose_short_range_box_is_too_coarse_to_fit(shared_faces, name):
    # A portrait whose face is 350 px wide in a 12 MP frame is a 58 px face at the analysis
    # size: the short-range model finds it, with a box the landmark model rejects, and the
    # full-range model's box has to be tried (before, 27 of the 78 neutral portraits were lost).
    portrait = dataset_face(shared_faces, name)
    face_width = find_faces(portrait).face.width
    scale = 350 * 640 / 4032 / face_width
    small = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    canvas = np.empty((480, 640, 3), dtype=np.uint8)
    canvas[:] = portrait[5, 5]
    canvas[180 : 180 + small.shape[0], 240 : 240 + small.shape[1]] = small

    search = find_faces(canvas)

    assert search.count == 1
    assert search.face.box[0] >= 240 and search.face.box[2] <= 240 + small.shape[1]


@pytest.mark.parametrize(
    ("angle", "cut"),
    [(0, 0), (25, 0), (-30, 200)],
    ids=["upright", "tilted", "tilted at the picture's edge"],
)
def test_the_mirrored_fit_lies_on_the_face_in_the_mirrored_photo(shared_faces, angle, cut):
    upright = dataset_face(shared_faces, "001_03.jpg")
    height, width = upright.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    # Cut on the left, the face's region runs off the picture and is filled in black.
    rgb = np.ascontiguousarray(cv2.warpAffine(upright, turn, (width, height))[:, cut:])
    face = find_faces(rgb).face

    mirrored = mirrored_landmarks(rgb, face)

    # The same face, found afresh in the mirrored photo: the two fits differ by model noise.
    found = find_faces(np.ascontiguousarray(rgb[:, ::-1])).face.landmarks
    assert mirrored.shape == (478, 3)
    assert np.median(np.linalg.norm(mirrored[:, :2] - found[:, :2], axis=1)) < 1.5
    # In the mirrored photo the person's right eye (468) is where the left eye (473) was.
    mirrored_width = rgb.shape[1]
    assert abs(mirrored[468, 0] - (mirrored_width - face.landmarks[473, 0])) < 2.5
    assert abs(mirrored[468, 1] - face.landmarks[473, 1]) < 2.5
    # It is a second fit, not the first one reflected.
    reflected = np.sort(mirrored_width - face.landmarks[:, 0])
    assert not np.allclose(np.sort(mirrored[:, 0]), reflected, atol=0.05)
