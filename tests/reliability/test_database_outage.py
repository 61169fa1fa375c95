"""The database stops answering: pages and API answer 503 with Retry-After, never a 500.

Every query of the connection fails, through Django's own hook for that
(``connection.execute_wrapper``), so the whole request path meets the outage as it would
with the server gone: the session and the signed-in user are read by Django's middleware
and decorators, then the view's own queries. The test's transaction is never touched, so
the database is usable again as soon as the block ends.
"""

import contextlib

import pytest
from django.db import OperationalError, connection

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _refuse(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@contextlib.contextmanager
def database_down():
    with connection.execute_wrapper(_refuse):
        yield


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize("path", ["/", "/analyses/", "/upload/", "/accounts/profile/"])
def test_a_signed_in_person_gets_the_unavailable_page(signed_in, path):
    with database_down():
        response = signed_in.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Briefly unavailable" in response.content.decode()


def test_signing_in_during_the_outage_gets_the_unavailable_page(client):
    user = UserFactory()
    credentials = {"username": user.email, "password": PASSWORD}

    with database_down():
        response = client.post("/accounts/login/", credentials)

    assert response.status_code == 503
    assert "Briefly unavailable" in response.content.decode()
    # Nothing was half done: once the database is back, the same sign-in works.
    response = client.post("/accounts/login/", credentials)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "method, path",
    [("get", "/api/analyses/"), ("get", "/api/account"), ("delete", "/api/account")],
)
def test_an_api_client_gets_a_503_with_a_message(auth_client, user, method, path):
    with database_down():
        response = getattr(auth_client, method)(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert User.objects.filter(pk=user.pk).exists()


def test_asking_for_a_token_during_the_outage_gets_a_503_with_a_message(api_client):
    user = UserFactory()

    with database_down():
        response = api_client.post(
            "/api/auth/token", {"email": user.email, "password": PASSWORD}, format="json"
        )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
