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


def test_deleting_an_account_removes_the_admins_history_of_it(auth_client, user, admin_user):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    about = {"content_type": ContentType.objects.get_for_model(User), "object_id": str(user.pk)}
    LogEntry.objects.create(
        user=admin_user, object_repr=user.email, action_flag=CHANGE, change_message="[]", **about
    )
    other = UserFactory()
    LogEntry.objects.create(
        user=admin_user,
        content_type=about["content_type"],
        object_id=str(other.pk),
        object_repr=other.email,
        action_flag=CHANGE,
        change_message="[]",
    )

    assert auth_client.delete("/api/account").status_code == 204

    assert not LogEntry.objects.filter(object_repr=user.email).exists()
    assert LogEntry.objects.filter(object_repr=other.email).exists()


def test_deleting_an_account_ends_its_sessions_on_every_device(client, user):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.test import Client

    phone, laptop, someone_else = Client(), Client(), Client()
    for device in (phone, laptop):
        device.force_login(user)
    other = UserFactory()
    someone_else.force_login(other)

    response = phone.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    holders = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(user.pk) not in holders
    assert str(other.pk) in holders
    assert laptop.get("/accounts/profile/").status_code == 302
