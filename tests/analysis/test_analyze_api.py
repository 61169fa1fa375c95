"""POST /api/analyze: what is stored, what is refused, and ?wait with a real worker."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from analysis.models import Analysis, Selfie
from chromamatch import engine_code, registry
from tests.analysis.helpers import development_photo, no_face_jpeg
from worker.model_loader import mlflow_client
from worker.tasks import analyse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]


def _upload(client, data: bytes, name: str = "selfie.jpg", query: str = ""):
    return client.post(f"/api/analyze{query}", {"file": _named(data, name)}, format="multipart")


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_it_stores_a_metadata_free_copy_and_a_pending_analysis(auth_client, user, shared_faces):
    original = development_photo(shared_faces)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera maker
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.open(io.BytesIO(original)).save(buffer, format="JPEG", exif=exif)

    response = _upload(auth_client, buffer.getvalue())

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["url"].endswith(f"/api/analyses/{body['id']}")
    selfie = Selfie.objects.get(analyses__id=body["id"])
    assert selfie.owner == user
    assert selfie.image.name.startswith(f"selfies/{user.pk}/")
    assert "selfie" not in selfie.image.name.rsplit("/", 1)[1]  # a random key, not the name
    stored = default_storage.open(selfie.image.name).read()
    assert b"SecretCam" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


@pytest.mark.parametrize(
    "data, code, status",
    [
        (b"", "unsupported_format", 400),
        (b"%PDF-1.4 not a photo", "unsupported_format", 400),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 400, "corrupt_image", 400),
    ],
    ids=["empty", "pdf", "broken-jpeg"],
)
def test_it_refuses_what_is_not_a_photo_and_stores_nothing(auth_client, data, code, status):
    response = _upload(auth_client, data)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert not Selfie.objects.exists() and not Analysis.objects.exists()


def test_it_refuses_a_grayscale_photo(auth_client, shared_faces):
    grey = io.BytesIO()
    Image.open(io.BytesIO(development_photo(shared_faces))).convert("L").save(grey, "JPEG")

    response = _upload(auth_client, grey.getvalue())

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "grayscale_image"


@pytest.mark.parametrize("picture, code", [("selfie", "grayscale_image"), ("grey wall", "no_face")])
def test_colourless_pixels_in_a_colour_file_become_an_analysis_that_says_which(
    auth_client, shared_faces, picture, code
):
    # A grey wall photographed in colour was refused at upload as "black and white".
    photo = Image.open(io.BytesIO(development_photo(shared_faces)))
    if picture == "grey wall":
        photo = photo.crop((0, 0, 300, 300))  # the backdrop above the head
    colourless = io.BytesIO()
    photo.convert("L").convert("RGB").save(colourless, "JPEG", quality=90)

    response = _upload(auth_client, colourless.getvalue())
    assert response.status_code == 202
    analyse.apply(args=[response.json()["id"]])

    analysis = Analysis.objects.get(pk=response.json()["id"])
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error["code"] == code


def test_it_answers_413_for_a_body_over_the_upload_limit(auth_client):
    response = _upload(auth_client, b"\xff\xd8\xff" + b"\x00" * 31_000_000)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "image_too_large"


def test_it_asks_for_the_file_field(auth_client):
    response = auth_client.post("/api/analyze", {"photo": _named(no_face_jpeg(), "a.jpg")})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_required"


@pytest.mark.parametrize("wait", ["soon", "-1", "31"])
def test_it_refuses_a_wait_it_cannot_honour(auth_client, wait):
    response = _upload(auth_client, no_face_jpeg(), query=f"?wait={wait}")

    assert response.status_code == 400
    assert "wait" in response.json()["error"]["message"]
    assert not Analysis.objects.exists()


def test_it_needs_a_signed_in_caller(api_client):
    response = _upload(api_client, no_face_jpeg())

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_original_path_answers_the_same(auth_client):
    response = auth_client.post(
        "/analyze", {"file": _named(no_face_jpeg(), "a.jpg")}, format="multipart"
    )

    assert response.status_code == 202
    assert response.json()["status"] == "pending"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_wait_returns_the_finished_analysis_with_the_engine_fields(
    celery_worker_process, auth_client, shared_faces
):
    response = _upload(auth_client, development_photo(shared_faces), query="?wait=30")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done"
    result = body["result"]
    for field in ("skin", "undertone", "lighting", "season", "palette", "recommendations"):
        assert field in result
    assert 1 <= result["skin"]["mst"] <= 10
    production = registry.production_version(mlflow_client()).version
    assert body["model"] == {
        "name": registry.MODEL_NAME,
        "version": str(production),
        "engine": engine_code.digest(),
    }
    assert body["drape_url"].endswith(f"/api/analyses/{body['id']}/drape.png")
    drape = auth_client.get(body["drape_url"])
    assert drape.status_code == 200 and drape["Content-Type"] == "image/png"
    assert b"".join(drape.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_photo_without_a_face_fails_with_no_face_and_its_message(
    celery_worker_process, auth_client
):
    response = _upload(auth_client, no_face_jpeg(), query="?wait=30")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "no_face"
    assert "face" in body["error"]["message"]
    assert body["result"] is None and body["drape_url"] is None
