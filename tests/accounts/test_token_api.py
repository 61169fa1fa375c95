import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/auth/token"


def test_it_returns_a_token_that_authenticates_api_calls(api_client, user):
    response = api_client.post(
        URL, {"email": user.email.upper(), "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/account")

    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert me.json()["consent_policy_version"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(api_client, user):
    wrong_password = api_client.post(
        URL, {"email": user.email, "password": "nope-nope-nope"}, format="json"
    )
    unknown_email = api_client.post(
        URL, {"email": "nobody@example.com", "password": PASSWORD}, format="json"
    )

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"
    assert "token" not in wrong_password.json()


def test_an_api_call_without_a_token_is_refused_in_the_error_shape(api_client):
    response = api_client.get("/api/account")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


# A NUL byte reached PostgreSQL, which refuses it in a query: a 500 under runserver (gunicorn
# drops such a header itself); the CI's PostgreSQL run is the one that can tell.
@pytest.mark.parametrize("key", ["0" * 40, "0" * 20 + "\x00" + "0" * 19], ids=["unknown", "nul"])
def test_a_bad_token_is_refused(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get("/api/account")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_it_throttles_repeated_sign_in_attempts(api_client, user):
    codes = [
        api_client.post(URL, {"email": user.email, "password": "guess"}, format="json").status_code
        for _ in range(12)
    ]

    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]
    throttled = api_client.post(URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert "Retry-After" in throttled


def _guesses(api_client, user, *, forwarded_for: str) -> list[int]:
    """The status of 12 wrong passwords, each claiming ``forwarded_for`` with its number."""
    return [
        api_client.post(
            URL,
            {"email": user.email, "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded_for.format(attempt),
        ).status_code
        for attempt in range(12)
    ]


def test_a_forged_forwarded_address_does_not_dodge_the_sign_in_limit(api_client, user):
    # Each guess claims another client address; with no proxy declared the connection's own
    # address is the one counted.
    codes = _guesses(api_client, user, forwarded_for="203.0.113.{}")

    assert codes[10:] == [429, 429]


@pytest.mark.parametrize("proxies, limited", [(0, True), (1, False)])
def test_behind_a_declared_proxy_the_forwarded_address_is_the_clients(
    api_client, user, settings, proxies, limited
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": proxies}
    # One proxy appends the address it saw: the last entry, each time another client.
    codes = _guesses(api_client, user, forwarded_for="198.51.100.7, 203.0.113.{}")

    assert (429 in codes) is limited
