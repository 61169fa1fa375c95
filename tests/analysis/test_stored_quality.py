"""The stored copy of a selfie is re-encoded (no metadata) at the site's quality, or at the
upload's own when that is lower, so that the engine still sees a squeezed upload as squeezed."""

import numpy as np
import pytest

from analysis.services import STORED_JPEG_QUALITY, selfie_prepare
from chromamatch.image_loading import encode_jpeg, load_image
from chromamatch.quality import MIN_JPEG_QUALITY


def _stored_quality(uploaded_at: int) -> float:
    rgb = np.random.default_rng(uploaded_at).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    return load_image(selfie_prepare(encode_jpeg(rgb, quality=uploaded_at)).jpeg).jpeg_quality


@pytest.mark.parametrize("uploaded_at", [STORED_JPEG_QUALITY, 98])
def test_a_phone_photo_is_stored_at_the_sites_quality(uploaded_at):
    assert _stored_quality(uploaded_at) == pytest.approx(STORED_JPEG_QUALITY, abs=0.5)


@pytest.mark.parametrize("uploaded_at", [40, 75])
def test_a_squeezed_upload_is_stored_at_its_own_quality(uploaded_at):
    assert _stored_quality(uploaded_at) == pytest.approx(uploaded_at, abs=0.5)


@pytest.mark.parametrize("uploaded_at", range(MIN_JPEG_QUALITY - 3, MIN_JPEG_QUALITY + 3))
def test_an_upload_on_either_side_of_the_warnings_line_stays_on_its_side(uploaded_at):
    rgb = np.random.default_rng(uploaded_at).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    upload = load_image(encode_jpeg(rgb, quality=uploaded_at)).jpeg_quality

    stored = _stored_quality(uploaded_at)

    assert (stored < MIN_JPEG_QUALITY) == (upload < MIN_JPEG_QUALITY)
