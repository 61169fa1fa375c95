import numpy as np
from mediapipe.framework.formats import landmark_pb2

from chromamatch.mediapipe_graph import landmark_array


def landmark_list(points, **fields) -> landmark_pb2.NormalizedLandmarkList:
    landmarks = landmark_pb2.NormalizedLandmarkList()
    for x, y, z in points:
        landmarks.landmark.add(x=x, y=y, z=z, **fields)
    return landmarks


def field_by_field(landmarks) -> np.ndarray:
    return np.array([(p.x, p.y, p.z) for p in landmarks.landmark], np.float32).reshape(-1, 3)


def test_it_reads_landmarks_as_their_fields_say():
    points = np.random.default_rng(5).uniform(-0.3, 1.3, (478, 3)).astype(np.float32)
    landmarks = landmark_list(points.tolist())

    read = landmark_array(landmarks)

    assert read.shape == (478, 3) and read.dtype == np.float32
    assert np.array_equal(read, field_by_field(landmarks))
    assert np.array_equal(read, points)


def test_it_reads_landmarks_whose_wire_form_is_irregular():
    # A coordinate of exactly 0 is left out of the wire format; visibility adds a field.
    with_zero = landmark_list([(0.5, 0.25, -0.125), (0.0, 0.75, 0.0), (1.0, 0.5, 0.25)])
    with_visibility = landmark_list([(0.5, 0.25, -0.125)] * 2, visibility=0.9)

    for landmarks in (with_zero, with_visibility):
        assert np.array_equal(landmark_array(landmarks), field_by_field(landmarks))
    assert landmark_array(landmark_pb2.NormalizedLandmarkList()).shape == (0, 3)
