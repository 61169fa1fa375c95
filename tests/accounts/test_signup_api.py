import pytest

from accounts import consent
from accounts.models import Consent, User

pytestmark = pytest.mark.django_db

URL = "/api/auth/signup"
GOOD = {"email": "Ana@Example.com", "password": "plum-velvet-harbour-7", "consent": True}


def test_it_creates_the_account_returns_a_token_and_records_consent(api_client):
    response = api_client.post(URL, GOOD, format="json")

    assert response.status_code == 201
    assert len(response.json()["token"]) == 40
    user = User.objects.get()
    assert user.email == "ana@example.com"
    record = Consent.objects.get(user=user)
    assert record.policy_version == consent.POLICY_VERSION
    assert record.given_at is not None


@pytest.mark.parametrize("given", [False, None])
def test_it_refuses_signup_without_consent(api_client, given):
    body = {**GOOD, "consent": given} if given is not None else {**GOOD}
    if given is None:
        del body["consent"]

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in {"consent_required", "invalid"}
    assert "consent" in error["message"].lower()
    assert not User.objects.exists()


def test_it_refuses_a_duplicate_email_with_a_clear_message(api_client):
    api_client.post(URL, GOOD, format="json")

    response = api_client.post(URL, {**GOOD, "email": "ANA@example.COM"}, format="json")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "email_taken"
    assert "already exists" in error["message"]
    assert User.objects.count() == 1


def test_it_refuses_a_weak_password_and_says_why(api_client):
    response = api_client.post(URL, {**GOOD, "password": "12345678"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "weak_password"
    assert "common" in error["message"] or "numeric" in error["message"]
    assert not User.objects.exists()


def test_it_refuses_an_invalid_email(api_client):
    response = api_client.post(URL, {**GOOD, "email": "not-an-address"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("email:")


def test_it_refuses_an_email_longer_than_an_account_can_hold(api_client):
    # 255 characters: valid to the e-mail validator, one more than the column holds (Postgres
    # refused the row with a DataError, a 500).
    long_address = "a" * 243 + "@example.com"

    response = api_client.post(URL, {**GOOD, "email": long_address}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("email:")
    assert "254" in error["message"]
    assert not User.objects.exists()
