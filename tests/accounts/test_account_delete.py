import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Consent, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_delete_api_removes_the_user_and_their_rows(auth_client, user):
    other = UserFactory()

    response = auth_client.delete("/api/account")

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Consent.objects.filter(user_id=user.pk).exists()
    assert not Token.objects.filter(user_id=user.pk).exists()
    assert User.objects.filter(pk=other.pk).exists()
    # The token died with the account.
    assert auth_client.get("/api/account").status_code == 401


def test_delete_page_needs_the_password(client, user):
    client.force_login(user)

    response = client.post("/accounts/delete/", {"password": "wrong-password"})

    assert response.status_code == 200
    assert "not your password" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_page_removes_the_account_and_signs_out(client, user):
    client.force_login(user)

    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "have been deleted" in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert client.get("/accounts/profile/").status_code == 302
