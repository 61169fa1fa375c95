"""A person downloads a copy of everything stored for them: their own, all of it, nobody else's."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token

from analysis import services
from analysis.models import Analysis
from tests.analysis.helpers import no_face_jpeg
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_earlier_downloads(user):
    # The download budget is counted in the shared cache (Redis in the real-services run),
    # where an earlier run's user with the same id may have left a count.
    cache.delete(f"throttle_export_{user.pk}")


def _done(owner) -> Analysis:
    analysis = services.analysis_create(owner=owner, data=no_face_jpeg())
    services.analysis_complete(
        analysis_id=analysis.pk,
        result={"ok": True, "skin": {"hex": "#c3a08a"}},
        model_name="ChromaMatch_Model",
        model_version="3",
    )
    analysis.refresh_from_db()
    return analysis


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="chromamatch-data.zip"'
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_api_gives_the_callers_account_analyses_and_pictures_and_nothing_else(
    auth_client, user
):
    drawn = _done(user)
    drawn.drape.save("drape.png", ContentFile(b"\x89PNG drawn"))
    failed = services.analysis_create(owner=user, data=no_face_jpeg())
    services.analysis_fail(analysis_id=failed.pk, code="no_face", message="No face was found.")
    other = _done(UserFactory(email="someone.else@example.com"))

    archive = _archive(auth_client.get("/api/account/export"))

    names = set(archive.namelist())
    own_selfies = {f"selfies/{a.selfie_id}.jpg" for a in (drawn, failed)}
    assert names == {"README.txt", "account.json", "analyses.json", f"drapes/{drawn.pk}.png"} | (
        own_selfies
    )
    for analysis in (drawn, failed):
        with default_storage.open(analysis.selfie.image.name, "rb") as stored:
            assert archive.read(f"selfies/{analysis.selfie_id}.jpg") == stored.read()
    assert archive.read(f"drapes/{drawn.pk}.png") == b"\x89PNG drawn"
    selfie_entry = archive.getinfo(f"selfies/{drawn.selfie_id}.jpg")
    assert selfie_entry.date_time[:3] == drawn.selfie.created.timetuple()[:3]
    account = json.loads(archive.read("account.json"))
    assert account["email"] == user.email
    assert [c["policy_version"] for c in account["consents"]] == [
        c.policy_version for c in user.consents.all()
    ]
    analyses = json.loads(archive.read("analyses.json"))
    assert [a["id"] for a in analyses] == [drawn.pk, failed.pk]  # oldest first
    assert analyses[0]["result"] == drawn.result
    assert analyses[1]["error"]["code"] == "no_face"
    assert analyses[1]["drape_file"] is None
    # What else is stored about each: its photo's size, when it was received, the attempts.
    stored = analyses[0]["stored"]
    assert stored["selfie"] == {
        "received": drawn.selfie.created.isoformat(),
        "width": drawn.selfie.width,
        "height": drawn.selfie.height,
        "bytes": drawn.selfie.size_bytes,
    }
    assert stored["attempts"] == drawn.attempts
    assert set(account) >= {"last_login", "api_token"}
    assert account["api_token"] is True  # the caller's token, which the archive does not hold
    token = Token.objects.get(user=user).key
    assert token.encode() not in b"".join(archive.read(name) for name in names)
    everything = b"".join(archive.read(name) for name in names)
    assert b"someone.else@example.com" not in everything
    assert f"selfies/{other.selfie_id}.jpg" not in names


def test_a_photo_removed_after_the_retention_period_is_named_as_gone(auth_client, user):
    analysis = _done(user)
    services.selfies_purge_images(older_than=timedelta(0))

    archive = _archive(auth_client.get("/api/account/export"))

    (record,) = json.loads(archive.read("analyses.json"))
    assert record["id"] == analysis.pk and record["selfie_file"] is None
    assert not [name for name in archive.namelist() if name.startswith("selfies/")]


def test_the_page_gives_the_same_archive_to_the_signed_in_person_only(client, user):
    _done(user)
    anonymous = client.get("/accounts/export/")
    client.force_login(user)

    archive = _archive(client.get("/accounts/export/"))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert "analyses.json" in archive.namelist()
    assert 'href="/accounts/export/"' in client.get("/accounts/profile/").content.decode()


def test_the_api_refuses_an_anonymous_request(api_client):
    response = api_client.get("/api/account/export")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.fixture
def two_exports_a_minute(throttle_rates, user):
    throttle_rates(export="2/min")
    yield
    cache.delete(f"throttle_export_{user.pk}")


@pytest.mark.usefixtures("two_exports_a_minute")
def test_the_page_and_the_api_share_a_budget_of_downloads(client, auth_client, user):
    client.force_login(user)
    assert client.get("/accounts/export/").status_code == 200
    assert auth_client.get("/api/account/export").status_code == 200

    page = client.get("/accounts/export/")
    api = auth_client.get("/api/account/export")

    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "downloaded several times already" in page.content.decode()
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    assert api.json()["error"]["code"] == "throttled"
