"""Selfies on an S3 server (moto's, a real HTTP endpoint): private objects, signed URLs,
nothing left behind after deletion, retries when the storage misbehaves."""

import io
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
import requests
from botocore.config import Config
from django.core.files.storage import default_storage
from django.test import override_settings

from accounts import services as account_services
from analysis import services
from analysis.models import Analysis
from tests.analysis.helpers import development_photo, no_face_jpeg
from worker import tasks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]

KEY_ID, SECRET = "test-key-id", "test-secret"  # noqa: S105 (moto accepts any)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the site's storage pointed at it for this test."""
    name = f"selfies-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": KEY_ID,
                "secret_key": SECRET,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield client, name


def _keys(client, name: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def test_a_selfie_is_a_private_object_reachable_only_through_a_signed_url(bucket, user):
    client, name = bucket
    analysis = services.analysis_create(owner=user, data=no_face_jpeg())
    key = analysis.selfie.image.name

    assert _keys(client, name) == [key]
    grants = client.get_object_acl(Bucket=name, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants), "no public or group grant"
    signed = default_storage.url(key)
    assert "Signature=" in signed or "X-Amz-Signature=" in signed
    assert requests.get(signed, timeout=5).content == default_storage.open(key).read()


def test_the_analysis_reads_s3_and_its_drape_is_drawn_from_s3_into_s3(bucket, user, shared_faces):
    client, name = bucket
    analysis = services.analysis_create(owner=user, data=development_photo(shared_faces))

    assert tasks.analyse.apply(args=[analysis.pk]).get() == "done"
    analysis.refresh_from_db()
    assert _keys(client, name) == [analysis.selfie.image.name]
    drape = services.analysis_drape(analysis=analysis)  # its first request

    assert sorted(_keys(client, name)) == sorted([analysis.selfie.image.name, drape.name])


def test_account_deletion_leaves_no_object_in_the_bucket(bucket, user, shared_faces):
    client, name = bucket
    for data in (development_photo(shared_faces), no_face_jpeg()):
        tasks.analyse.apply(args=[services.analysis_create(owner=user, data=data).pk])
    services.analysis_drape(analysis=Analysis.objects.get(status=Analysis.Status.DONE))
    assert len(_keys(client, name)) == 3  # two selfies and one drape

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        account_services.account_delete(user=user)

    assert _keys(client, name) == []
    assert not Analysis.objects.exists()


def test_a_storage_that_keeps_failing_is_retried_then_reported(bucket, user, monkeypatch):
    client, name = bucket
    analysis = services.analysis_create(owner=user, data=no_face_jpeg())
    # The bucket disappears, as when the store is unreachable: every read fails.
    client.delete_object(Bucket=name, Key=analysis.selfie.image.name)
    client.delete_bucket(Bucket=name)
    retries = []
    monkeypatch.setattr(tasks, "_backoff", lambda n: retries.append(n) or 0)

    tasks.analyse.apply(args=[analysis.pk])

    analysis.refresh_from_db()
    assert retries == list(range(tasks.MAX_RETRIES))
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error["code"] == "storage_unavailable"


def test_health_names_the_storage_when_the_bucket_is_gone(bucket, client):
    s3, name = bucket
    assert client.get("/health").json()["checks"]["storage"] == "ok"
    s3.delete_bucket(Bucket=name)

    response = client.get("/health")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error")


def _unreachable(settings) -> dict:
    """STORAGES pointed at a port nothing listens on, one attempt per request."""
    default = settings.STORAGES["default"]
    options = {
        **default["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{_free_port()}",
        "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
    }
    return {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


def _upload() -> io.BytesIO:
    upload = io.BytesIO(no_face_jpeg())
    upload.name = "selfie.jpg"
    return upload


def test_the_api_and_the_pages_answer_503_while_the_storage_is_unreachable(
    bucket, user, auth_client, client, shared_faces, settings
):
    s3, name = bucket
    analysis = services.analysis_create(owner=user, data=development_photo(shared_faces))
    assert tasks.analyse.apply(args=[analysis.pk]).get() == "done"
    client.force_login(user)

    with override_settings(STORAGES=_unreachable(settings)):
        api = [
            auth_client.get(f"/api/analyses/{analysis.pk}/drape.png"),
            auth_client.post("/api/analyze", {"file": _upload()}, format="multipart"),
        ]
        pages = [
            client.get(f"/analyses/{analysis.pk}/drape.png"),
            client.post("/upload/", {"photo": _upload()}),
        ]

    for response in api + pages:
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
    assert all(r.json()["error"]["code"] == "service_unavailable" for r in api)
    assert all(b"Nothing you sent was lost" in r.content for r in pages)
    assert Analysis.objects.count() == 1  # the refused uploads left no row without a selfie
    assert _keys(s3, name) == [analysis.selfie.image.name]
    # The store is back: the same request draws the picture.
    assert auth_client.get(f"/api/analyses/{analysis.pk}/drape.png").status_code == 200
