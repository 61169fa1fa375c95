"""The API answers JSON whatever the Accept header asks for: never an HTML page, never 406."""

import pytest

from analysis.models import Analysis, Selfie

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html"


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code


def test_an_error_is_json_even_when_html_is_asked_for(api_client):
    response = api_client.get("/api/analyses/", HTTP_ACCEPT=BROWSER_ACCEPT)

    _error(response, 401, "not_authenticated")


def test_an_answer_is_json_even_when_html_is_asked_for(auth_client):
    response = auth_client.get("/api/analyses/", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == []


def test_the_original_analyze_path_answers_json_to_a_browser_too(api_client):
    response = api_client.post("/analyze", {}, format="multipart", HTTP_ACCEPT=BROWSER_ACCEPT)

    _error(response, 401, "not_authenticated")


def test_drape_png_asked_for_as_image_png_answers_its_errors_in_json(auth_client, user):
    selfie = Selfie.objects.create(owner=user, width=1, height=1, size_bytes=1)
    pending = Analysis.objects.create(selfie=selfie)

    response = auth_client.get(f"/api/analyses/{pending.pk}/drape.png", HTTP_ACCEPT="image/png")

    _error(response, 409, "not_ready")


def test_answers_for_a_signed_in_person_are_never_stored_by_a_cache(client, auth_client, user):
    client.force_login(user)
    for response in (
        client.get("/analyses/"),
        client.get("/upload/"),
        auth_client.get("/api/account"),
        auth_client.get("/api/analyses/"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # The public home page may be cached as before.
    anonymous = client.__class__().get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")


def test_pages_run_only_the_sites_own_scripts(client, user, settings):
    client.force_login(user)

    policy = client.get("/analyses/")["Content-Security-Policy"]

    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Pictures behind signed addresses come from the S3 store.
    settings.S3_BUCKET = "selfies"
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "x", "OPTIONS": {"endpoint_url": "http://minio.internal:9000/"}}
    }
    assert (
        "img-src 'self' data: http://minio.internal:9000"
        in client.get("/")["Content-Security-Policy"]
    )
    # The API documentation keeps its own policy.
    assert "unsafe-inline" in client.get("/api/docs/")["Content-Security-Policy"]
