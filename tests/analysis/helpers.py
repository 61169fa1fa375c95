"""Pictures and shortcuts the analysis tests share."""

import time

import numpy as np
import pytest

from analysis.models import Analysis
from chromamatch.image_loading import encode_jpeg


def no_face_jpeg() -> bytes:
    """A plain colour picture: readable, but nobody in it."""
    return encode_jpeg(np.full((400, 300, 3), (170, 130, 110), dtype=np.uint8))


def development_photo(shared_faces, index: int = 0) -> bytes:
    return sorted((shared_faces / "images").glob("*.jpg"))[index].read_bytes()


def wait_finished(analysis: Analysis, timeout: float = 90) -> Analysis:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        analysis.refresh_from_db()
        if analysis.is_finished:
            return analysis
        time.sleep(0.2)
    pytest.fail(f"analysis {analysis.pk} still {analysis.status} after {timeout} s")
