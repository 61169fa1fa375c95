"""Find the faces in a photo and the 478 refined FaceMesh landmarks of the largest one.

Mediapipe graphs, built once per process: the short-range face detector (faces within about
two metres) counts the faces on a downscaled copy; unless it found a close-up face, the slower
full-range detector (small, distant faces, group photos) looks again, and its boxes are tried
where the short-range ones are too coarse for the landmark model. Then the FaceMesh
landmark model with attention (irises, lips and eyes refined) runs on a small crop around the
largest face, fed with the detector's region of interest. Feeding the region ourselves skips
the second face detector that mediapipe's FaceMesh solution would run, which is most of its
cost.

The detector's eye keypoints set the landmark model's rotation, so a face lying on its side is
located too: 20 London photos turned a quarter either way read within 2.4 degrees of their ITA
upright (2026-11-28). Upside down the detector is fooled into an upright face. ``analysis``
turns both kinds upright; the image loader applies the EXIF orientation first, which settles
them for most photos.
Faces narrower than about 1/20 of the picture's long side are not counted: at that size they
are under 10 pixels in the detector's 192 px input.
"""

import math
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from chromamatch.mediapipe_graph import Graph, landmark_array

# Below this face width (landmark box, pixels of the image analysed) a cheek patch the size of
# the reference's (0.24 x inter-pupil distance) is under 10 x 10 pixels, where JPEG blocks and
# noise dominate the skin colour, so the caller answers face_too_small. The London portraits
# downscaled to 480 px still have 150-200 px faces.
MIN_FACE_WIDTH_PX = 96

# mediapipe's default confidence; lower lets textures (foliage, carpets) count as faces.
_MIN_DETECTION_SCORE = 0.5
# The landmark model's input is 192 px; a crop whose region spans 1.5x that is sharp enough.
# Handing either model a copy at its own input size (this at 192 px, the short-range
# detector's at 128) saves no measurable time, as their inference is the same, and moves the
# landmarks by 0.6-0.7 px on average: ITA by up to 2 degrees, the season of 9-10 of the 156
# development photos.
_LANDMARK_ROI_PX = 288
# mediapipe's own detection-to-region rule for FaceMesh: the box scaled 1.5x, made square.
_ROI_SCALE = 1.5
# A detection whose landmarks the model rejects is tried no further than this many times.
_MAX_MESH_ATTEMPTS = 3
# A face narrower than this share of the picture's long side is a few dozen pixels in the
# detectors' copy, and the box they give is coarse: the landmark model's fit depends on the
# region it is given, and a London portrait placed small in a 12 MP frame read its face
# length to width 0.55 of the spread between people longer than as shot, changing 12 of 39
# face shapes (1 after). Such a face is detected again (``_detected_again``) on a square
# _REDETECT_SPAN times its landmarks' extent, where it spans as much of the detector's copy as
# a selfie's face does. Selfies (a quarter to a half of the picture's width) keep their fit.
_COARSE_DETECTION_SHARE = 0.15
_REDETECT_SPAN = 2.5


@dataclass(frozen=True)
class Region:
    """The rotated square the landmark model read a face in (pixels of the image)."""

    centre: tuple[float, float]
    side: float
    rotation: float  # radians, as mediapipe's NormalizedRect takes it


@dataclass(frozen=True)
class Face:
    landmarks: np.ndarray  # (478, 3) float32: x, y pixels; z relative depth, same pixel scale
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 pixels, from the landmarks
    score: float  # detection confidence
    region: Region | None = None  # where the landmarks were read (``mirrored_landmarks``)

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


@dataclass(frozen=True)
class FaceSearch:
    count: int  # how many faces were found in the picture
    face: Face | None  # the largest one, with refined landmarks; None when count == 0


@dataclass(frozen=True)
class _Detection:
    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 pixels of the full image
    right_eye: tuple[float, float]  # pixels; the person's right eye, on the image's left
    left_eye: tuple[float, float]

    @property
    def area(self) -> float:
        return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])


_graphs: dict[str, Graph] = {}
_graphs_lock = threading.Lock()


# Detector graphs and the side of the downscaled copy each looks at. The short-range model
# takes about a quarter of the full-range one's time, so the full range runs only as a
# fallback. Each sees a letterboxed square tensor (128 and 192 px); a copy twice that size
# keeps its own bilinear resampling from aliasing.
_DETECTORS = {
    "short_range": ("FaceDetectionShortRange", 256),
    "full_range": ("FaceDetectionFullRange", 384),
}
# A face this share of the picture's width or wider makes it a close-up selfie: anyone else
# in it who matters is as close, so the short-range model has found them too.
_CLOSE_UP_SHARE = 0.25


def _graph(name: str) -> Graph:
    """The mediapipe graph ``name`` (a key of _DETECTORS, or "landmarks"), built on first use."""
    if name not in _graphs:
        # mediapipe takes about two seconds to import: only pay for it when faces are needed.
        from google.protobuf import text_format
        from mediapipe.framework import calculator_pb2
        from mediapipe.modules.face_detection import face_detection_pb2
        from mediapipe.python import packet_creator

        config = calculator_pb2.CalculatorGraphConfig()
        if name in _DETECTORS:
            text_format.Parse(
                'input_stream: "image" output_stream: "detections" '
                f'node {{ calculator: "{_DETECTORS[name][0]}" input_stream: "IMAGE:image" '
                'output_stream: "DETECTIONS:detections" }',
                config,
            )
            options = face_detection_pb2.FaceDetectionOptions(min_score_thresh=_MIN_DETECTION_SCORE)
            options.delegate.xnnpack.SetInParent()
            config.node[0].node_options.add().Pack(options)
            _graphs[name] = Graph(config)
        else:
            text_format.Parse(
                'input_stream: "image" input_stream: "roi" '
                'input_side_packet: "with_attention" output_stream: "landmarks" '
                'node { calculator: "FaceLandmarkCpu" input_stream: "IMAGE:image" '
                'input_stream: "ROI:roi" input_side_packet: "WITH_ATTENTION:with_attention" '
                'output_stream: "LANDMARKS:landmarks" }',
                config,
            )
            _graphs[name] = Graph(config, {"with_attention": packet_creator.create_bool(True)})
    return _graphs[name]


def find_faces(rgb: np.ndarray) -> FaceSearch:
    """Count the faces in ``rgb`` (H x W x 3 uint8) and locate the largest one's landmarks."""
    with _graphs_lock:
        detections = _detect(rgb, "short_range")
        widest = max((d.box[2] - d.box[0] for d in detections), default=0.0)
        wide: list[_Detection] = []
        if widest < _CLOSE_UP_SHARE * rgb.shape[1]:
            # Not a close-up: faces too small for the short-range model may be in the picture.
            wide = _detect(rgb, "full_range")
            if len(wide) > len(detections):
                detections = wide
        face = _largest_confirmed(rgb, detections)
        if face is None and wide and detections is not wide:
            # The short-range model's box of a small face can be too coarse for the landmark
            # model to confirm (a London portrait small in a 12 MP frame, its face 350 px
            # wide: 27 of 78 were lost so), where the full-range model's box is not.
            detections = wide
            face = _largest_confirmed(rgb, detections)
    # Where the detector fired but no landmark model confirmed a face, nothing usable was found.
    return FaceSearch(len(detections), face) if face is not None else FaceSearch(0, None)


def _largest_confirmed(rgb: np.ndarray, detections: list[_Detection]) -> Face | None:
    """The largest of ``detections`` whose landmarks the landmark model finds, tried no
    further than ``_MAX_MESH_ATTEMPTS``; None if none is confirmed."""
    ranked = sorted(detections, key=lambda d: d.area, reverse=True)
    for detection in ranked[:_MAX_MESH_ATTEMPTS]:
        region = _region(detection)
        landmarks = _landmarks(rgb, region)
        if landmarks is None:
            continue
        if detection.box[2] - detection.box[0] < _COARSE_DETECTION_SHARE * max(rgb.shape[:2]):
            region, landmarks = _detected_again(rgb, region, landmarks)
        return _face(rgb, landmarks, detection.score, region)
    return None


def _detect(rgb: np.ndarray, detector: str) -> list[_Detection]:
    from mediapipe.python import packet_getter

    height, width = rgb.shape[:2]
    scale = min(1.0, _DETECTORS[detector][1] / max(height, width))
    small = rgb
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
    outputs = _graph(detector).run(image=small)
    found = []
    for detection in packet_getter.get_proto_list(outputs["detections"]) if outputs else []:
        location = detection.location_data
        box = location.relative_bounding_box
        eyes = location.relative_keypoints
        found.append(
            _Detection(
                score=float(detection.score[0]) if detection.score else 0.0,
                box=(
                    box.xmin * width,
                    box.ymin * height,
                    (box.xmin + box.width) * width,
                    (box.ymin + box.height) * height,
                ),
                right_eye=(eyes[0].x * width, eyes[0].y * height),
                left_eye=(eyes[1].x * width, eyes[1].y * height),
            )
        )
    return found


def mirrored_landmarks(rgb: np.ndarray, face: Face) -> np.ndarray | None:
    """The landmark model's fit of ``face`` in ``rgb`` mirrored left to right: (478, 3), in
    pixels of the mirrored image (the person's right eye, 468, on its left); None when the
    model sees no face there.

    The model is not mirror-symmetric: on the 78 neutral development photos, mirroring moved
    the face-shape measurements by 0.13-0.25 of their spread between people (median), as much
    as a smile does; ``face_shape`` averages an unsure face's measurements over both fits.
    """
    if face.region is None:
        return None
    (x, y), width = face.region.centre, rgb.shape[1]
    mirrored = Region(centre=(width - x, y), side=face.region.side, rotation=-face.region.rotation)
    with _graphs_lock:
        return _landmarks(rgb, mirrored, mirror=True)


def _detected_again(
    rgb: np.ndarray, region: Region, landmarks: np.ndarray
) -> tuple[Region, np.ndarray]:
    """The face detected again on a square around its first landmarks, where it is as large in
    the detector's copy as a selfie's face, and fitted in the region that detection gives. The
    first fit, if either model sees no face there."""
    x0, y0 = landmarks[:, :2].min(axis=0)
    x1, y1 = landmarks[:, :2].max(axis=0)
    side = round(float(max(x1 - x0, y1 - y0)) * _REDETECT_SPAN)
    origin_x, origin_y = round(float(x0 + x1 - side) / 2), round(float(y0 + y1 - side) / 2)
    out_side = min(side, _DETECTORS["short_range"][1])
    square = _square_crop(rgb, origin_x, origin_y, side, out_side)
    found = _detect(square, "short_range")
    if not found:
        return region, landmarks
    # The face the square is centred on, not a neighbour reaching into it.
    middle = out_side / 2
    closest = min(
        found,
        key=lambda d: math.hypot(
            (d.box[0] + d.box[2]) / 2 - middle, (d.box[1] + d.box[3]) / 2 - middle
        ),
    )
    scale = side / out_side

    def back(x: float, y: float) -> tuple[float, float]:
        return origin_x + x * scale, origin_y + y * scale

    bx0, by0 = back(*closest.box[:2])
    bx1, by1 = back(*closest.box[2:])
    detection = _Detection(
        score=closest.score,
        box=(bx0, by0, bx1, by1),
        right_eye=back(*closest.right_eye),
        left_eye=back(*closest.left_eye),
    )
    refined = _region(detection)
    again = _landmarks(rgb, refined)
    return (region, landmarks) if again is None else (refined, again)


def _region(detection: _Detection) -> Region:
    """mediapipe's region for the landmark model: the box scaled up, square, turned upright by
    the eye keypoints."""
    x0, y0, x1, y1 = detection.box
    (rx, ry), (lx, ly) = detection.right_eye, detection.left_eye
    return Region(
        centre=((x0 + x1) / 2, (y0 + y1) / 2),
        side=max(x1 - x0, y1 - y0) * _ROI_SCALE,
        rotation=-math.atan2(-(ly - ry), lx - rx),
    )


def _landmarks(rgb: np.ndarray, region: Region, mirror: bool = False) -> np.ndarray | None:
    """The (478, 3) landmarks in ``region`` of ``rgb`` (mirrored left to right first, when
    ``mirror``), in pixels of that image; None when the model sees no face."""
    from mediapipe.framework.formats import rect_pb2
    from mediapipe.python import packet_getter

    (centre_x, centre_y), roi_side, rotation = region.centre, region.side, region.rotation
    # A square crop that holds the rotated region; square, because mediapipe projects the
    # landmarks of a rotated region back correctly only on square images.
    crop_side = round(roi_side * (abs(math.cos(rotation)) + abs(math.sin(rotation))))
    out_side = max(16, round(crop_side * min(1.0, _LANDMARK_ROI_PX / roi_side)))
    origin_x, origin_y = round(centre_x - crop_side / 2), round(centre_y - crop_side / 2)
    if mirror:
        # The mirrored image's crop at origin_x is the photo's crop ending there, mirrored.
        width = rgb.shape[1]
        crop = _square_crop(rgb, width - origin_x - crop_side, origin_y, crop_side, out_side)
        crop = np.ascontiguousarray(crop[:, ::-1])
    else:
        crop = _square_crop(rgb, origin_x, origin_y, crop_side, out_side)
    roi = rect_pb2.NormalizedRect(
        x_center=0.5,
        y_center=0.5,
        width=roi_side / crop_side,
        height=roi_side / crop_side,
        rotation=rotation,
    )
    outputs = _graph("landmarks").run(image=crop, roi=roi)
    if not outputs:
        return None
    points = landmark_array(packet_getter.get_proto(outputs["landmarks"])).astype(np.float64)
    points *= crop_side  # normalised crop units to pixels of ``rgb``
    points[:, 0] += origin_x
    points[:, 1] += origin_y
    return points.astype(np.float32)


def _square_crop(rgb: np.ndarray, x0: int, y0: int, side: int, out_side: int) -> np.ndarray:
    """The ``side`` px square at (x0, y0), resized to ``out_side``, black outside the image."""
    height, width = rgb.shape[:2]
    size = (out_side, out_side)
    if x0 >= 0 and y0 >= 0 and x0 + side <= width and y0 + side <= height:
        # The usual case, and about three times cheaper than the warp below.
        return cv2.resize(rgb[y0 : y0 + side, x0 : x0 + side], size, interpolation=cv2.INTER_LINEAR)
    # The same pixel-centre convention as cv2.resize, so landmarks map back identically.
    scale = out_side / side
    to_crop = np.array(
        [[scale, 0.0, scale * (0.5 - x0) - 0.5], [0.0, scale, scale * (0.5 - y0) - 0.5]]
    )
    return cv2.warpAffine(rgb, to_crop, size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))


def _face(rgb: np.ndarray, landmarks: np.ndarray, score: float, region: Region) -> Face:
    height, width = rgb.shape[:2]
    x0, y0 = np.floor(landmarks[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks[:, :2].max(axis=0)).astype(int)
    box = (
        int(np.clip(x0, 0, width)),
        int(np.clip(y0, 0, height)),
        int(np.clip(x1, 0, width)),
        int(np.clip(y1, 0, height)),
    )
    return Face(landmarks=landmarks, box=box, score=score, region=region)
