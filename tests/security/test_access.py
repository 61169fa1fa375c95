"""Who may do what: CSRF on pages and on session API calls, tokens, throttles that say when.

`manage.py check --deploy` under production settings is kept clean by
tests/site/test_settings_from_environment.py. Figures: docs/reliability.md ("Access").
"""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from tests.analysis.helpers import no_face_jpeg
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_page_post_without_its_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_the_login_page_needs_its_csrf_token_too(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_token_call_needs_no_session_or_csrf(user):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_for(user=user)}")

    response = client.post("/api/color-check", {"hex": "#336699"}, format="json")

    assert response.status_code == 409  # reached the view: no analysis to judge by yet
    assert not response.cookies.get("sessionid")


@pytest.mark.parametrize(
    "method, path, data",
    [("delete", "/api/account", None), ("post", "/api/color-check", {"hex": "#336699"})],
)
def test_the_api_refuses_a_session_write_without_csrf(user, method, path, data):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = getattr(client, method)(path, data, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]
    assert User.objects.filter(pk=user.pk).exists()


def test_an_unsigned_or_wrongly_signed_call_is_401():
    client = APIClient()
    assert client.get("/api/account").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/account").status_code == 401


@pytest.fixture
def low_rates(throttle_rates, user):
    """Throttle rates of 2 a minute."""
    throttle_rates(login="2/min", signup="2/min", analyze="2/min")
    analyze_key = f"throttle_analyze_{user.pk}"
    cache.delete(analyze_key)
    yield
    cache.delete_many([analyze_key, "throttle_login_127.0.0.1", "throttle_signup_127.0.0.1"])


def _assert_throttled(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.usefixtures("low_rates")
def test_the_login_page_is_throttled_with_retry_after(client, user):
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.email, "password": "guess"})

    _assert_throttled(client.post("/accounts/login/", {"username": user.email, "password": "x"}))


@pytest.mark.usefixtures("low_rates")
def test_the_token_api_shares_the_login_budget(client, api_client, user):
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.email, "password": "guess"})

    response = api_client.post(
        "/api/auth/token", {"email": user.email, "password": PASSWORD}, format="json"
    )

    _assert_throttled(response)
    assert response.json()["error"]["code"] == "throttled"


@pytest.mark.usefixtures("low_rates")
def test_signup_is_throttled_with_retry_after(api_client):
    for n in range(2):
        api_client.post(
            "/api/auth/signup",
            {"email": f"new{n}@example.com", "password": "plum-velvet-harbour-7", "consent": True},
            format="json",
        )

    response = api_client.post(
        "/api/auth/signup",
        {"email": "new9@example.com", "password": "plum-velvet-harbour-7", "consent": True},
        format="json",
    )

    _assert_throttled(response)
    assert response.json()["error"]["code"] == "throttled"
    assert not User.objects.filter(email="new9@example.com").exists()


@pytest.mark.usefixtures("low_rates")
def test_analyze_is_throttled_per_account_with_retry_after(auth_client):
    def upload():
        photo = SimpleUploadedFile("selfie.jpg", no_face_jpeg(), content_type="image/jpeg")
        return auth_client.post("/api/analyze", {"file": photo}, format="multipart")

    assert [upload().status_code for _ in range(2)] == [202, 202]
    response = upload()

    _assert_throttled(response)
    assert response.json()["error"]["code"] == "throttled"
