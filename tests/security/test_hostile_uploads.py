"""Hostile uploads through POST /api/analyze: a JSON 4xx or an analysis that ends cleanly.

Figures for docs/reliability.md ("Hostile uploads"): run with ``-s`` to print the tally.
"""

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Analysis, Selfie
from chromamatch.errors import MESSAGES
from tests.analysis.helpers import development_photo
from tests.security.hostile_corpus import ACCEPTED, build_corpus, real_photo_variants
from tests.security.storage_checks import metadata_found
from worker.tasks import analyse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("mlflow_registry", "analyze_budget"),
]

# Codes a finished analysis may carry: the engine's, or the service's own.
FINISHED_CODES = set(MESSAGES) | {"timeout", "model_unavailable", "storage_unavailable"}


def _post(client, entry):
    upload = SimpleUploadedFile(entry.filename, entry.data, content_type=entry.content_type)
    return client.post("/api/analyze", {"file": upload}, format="multipart")


def _error_shape(response) -> str | None:
    """The error code of a well-formed error body, or None."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return None
    ok = isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
    return error["code"] if ok and error["message"] else None


def test_every_hostile_upload_is_refused_as_json_or_analysed_to_an_end(
    auth_client, user, new_objects
):
    corpus = build_corpus()
    assert len(corpus) >= 60
    problems, tally, accepted = [], Counter(), []

    for entry in corpus:
        response = _post(auth_client, entry)
        if response.status_code == 202:
            outcome = ACCEPTED
            accepted.append((entry, response.json()["id"]))
        elif 400 <= response.status_code < 500:
            outcome = _error_shape(response)
            if outcome is None:
                problems.append(f"{entry.name}: {response.status_code} without the error shape")
                continue
            expected = 413 if outcome == "image_too_large" else 400
            if response.status_code != expected:
                problems.append(f"{entry.name}: {outcome} answered {response.status_code}")
        else:
            problems.append(f"{entry.name}: HTTP {response.status_code}")
            continue
        tally[outcome] += 1
        if outcome not in entry.outcomes:
            problems.append(f"{entry.name}: {outcome}, expected one of {sorted(entry.outcomes)}")

    finished = Counter()
    for entry, analysis_id in accepted:
        analyse.apply(args=[analysis_id])
        analysis = Analysis.objects.get(pk=analysis_id)
        finished[analysis.status] += 1
        if analysis.status == Analysis.Status.FAILED:
            finished[f"failed:{analysis.error['code']}"] += 1
            if analysis.error["code"] not in FINISHED_CODES or not analysis.error["message"]:
                problems.append(f"{entry.name}: failed with {analysis.error}")
        elif analysis.status != Analysis.Status.DONE:
            problems.append(f"{entry.name}: analysis left {analysis.status}")

    created = new_objects()
    stored = {s.image.name for s in Selfie.objects.filter(owner=user)}
    stored |= {a.drape.name for a in Analysis.objects.filter(selfie__owner=user) if a.drape}
    assert stored == created
    for name in sorted(created):
        if found := metadata_found(name):
            problems.append(f"stored {name} keeps {found}")

    refused = sum(count for outcome, count in tally.items() if outcome != ACCEPTED)
    print(
        f"\nhostile corpus: {len(corpus)} files; {refused} refused 4xx, "
        f"{tally[ACCEPTED]} accepted; by outcome {dict(sorted(tally.items()))}; "
        f"accepted analyses ended {dict(sorted(finished.items()))}; "
        f"{len(created)} stored objects checked, 0 with metadata"
        if not problems
        else ""
    )
    assert not problems, "\n".join(problems)
    assert len(created) == tally[ACCEPTED]  # one stored selfie per accepted upload, no more


@pytest.mark.parametrize(
    "variant", ["cmyk-jpeg", "png-16-bit", "webp-animated", "heic-exif-gps", "jpeg-exif-gps"]
)
def test_an_odd_but_real_photo_of_a_face_is_analysed_and_stored_clean(
    auth_client, user, shared_faces, new_objects, variant
):
    data = real_photo_variants(development_photo(shared_faces))[variant]

    response = auth_client.post(
        "/api/analyze",
        {"file": SimpleUploadedFile("selfie.jpg", data, content_type="image/jpeg")},
        format="multipart",
    )

    assert response.status_code == 202, response.content
    analysis_id = response.json()["id"]
    assert analyse.apply(args=[analysis_id]).get() == "done"
    assert auth_client.get(f"/api/analyses/{analysis_id}/drape.png").status_code == 200
    objects = new_objects()
    assert len(objects) == 2  # the selfie and its draping picture
    for name in objects:
        assert metadata_found(name) == []
