"""A session cookie no session can have is no session: the caller is signed out, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

# What a client can send through gunicorn: printable on the wire, but the octal escape of a
# quoted cookie value decodes to a NUL byte, which PostgreSQL refuses in a query.
NUL_COOKIE = 'sessionid="abcdefgh\\000ijklmnop"'


def test_a_session_cookie_with_a_nul_byte_is_no_session_for_the_api(client):
    response = client.get("/api/analyses/", HTTP_COOKIE=NUL_COOKIE)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_session_cookie_with_a_nul_byte_is_no_session_for_the_pages(client):
    assert client.get("/", HTTP_COOKIE=NUL_COOKIE).status_code == 200
    assert client.get("/analyses/", HTTP_COOKIE=NUL_COOKIE).status_code == 302
