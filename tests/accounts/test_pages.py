import re

import pytest
from django.core import mail

from accounts.models import Consent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_page_shows_the_consent_text(client):
    page = client.get("/accounts/signup/").content.decode()

    assert "I agree to face analysis" in page
    assert "deleted with your account" in page


def test_signup_page_refuses_without_consent(client):
    response = client.post(
        "/accounts/signup/", {"email": "bo@example.com", "password": "plum-velvet-harbour-7"}
    )

    assert response.status_code == 200
    assert "need to give your consent to face analysis" in response.content.decode()
    assert not User.objects.exists()


def test_signup_page_creates_the_account_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "bo@example.com", "password": "plum-velvet-harbour-7", "consent": "on"},
        follow=True,
    )

    # A new account has nothing to show yet: it lands where the first selfie is sent.
    assert response.redirect_chain[-1][0] == "/upload/"
    assert "Send your first selfie" in response.content.decode()
    assert Consent.objects.get().user.email == "bo@example.com"


@pytest.mark.parametrize("sent", [{"email": "", "password": ""}, {}], ids=["browser", "nothing"])
def test_an_empty_signup_form_names_every_missing_part_at_once(client, sent):
    response = client.post("/accounts/signup/", sent)

    errors = response.context["form"].errors
    assert set(errors) == {"email", "password", "consent"}
    assert "need to give your consent to face analysis" in response.content.decode()


def test_signup_page_is_throttled_with_the_api(client, throttle_rates):
    throttle_rates(signup="2/hour")
    api = client.post(
        "/api/auth/signup",
        {"email": "a@example.com", "password": "plum-velvet-harbour-7", "consent": True},
        content_type="application/json",
    )
    page = client.post("/accounts/signup/", {"email": "b@example.com"})
    refused = client.post(
        "/accounts/signup/",
        {"email": "c@example.com", "password": "plum-velvet-harbour-7", "consent": "on"},
    )

    assert (api.status_code, page.status_code, refused.status_code) == (201, 200, 429)
    assert "Retry-After" in refused
    assert "Too many sign-ups" in refused.content.decode()
    assert not User.objects.filter(email="c@example.com").exists()


def test_signup_page_names_a_duplicate_email(client, user):
    response = client.post(
        "/accounts/signup/",
        {"email": user.email, "password": "plum-velvet-harbour-7", "consent": "on"},
    )

    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_signup_page_refuses_an_email_longer_than_an_account_can_hold(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "a" * 243 + "@example.com", "password": "plum-velvet-harbour-7", "consent": "on"},
    )

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not User.objects.exists()


def test_login_with_email_then_logout(client, user):
    response = client.post(
        "/accounts/login/", {"username": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/analyses/"
    assert client.get("/accounts/profile/").status_code == 200

    client.post("/accounts/logout/")

    assert client.get("/accounts/profile/").status_code == 302


def test_login_page_wrong_password_does_not_say_which_part_is_wrong(client, user):
    wrong = client.post("/accounts/login/", {"username": user.email, "password": "nope-nope"})
    unknown = client.post(
        "/accounts/login/", {"username": "nobody@example.com", "password": "nope-nope"}
    )

    assert wrong.status_code == unknown.status_code == 200
    assert "enter a correct e-mail address and password" in wrong.content.decode().lower()
    # The e-mail address is not case-sensitive (logging in upper-case works, above).
    assert "both fields may be case-sensitive" not in wrong.content.decode()
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_login_page_is_throttled(client, user):
    codes = [
        client.post("/accounts/login/", {"username": user.email, "password": "guess"}).status_code
        for _ in range(11)
    ]

    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_password_reset_sends_a_link_that_sets_a_new_password(client, user):
    client.post("/accounts/password-reset/", {"email": user.email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "new-cobalt-meadow-3", "new_password2": "new-cobalt-meadow-3"},
        follow=True,
    )

    assert "has been changed" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("new-cobalt-meadow-3")


def test_profile_shows_consent_and_token(client, user):
    client.force_login(user)

    page = client.get("/accounts/profile/").content.decode()

    assert "Consent to face analysis" in page
    assert "text version" in page
    assert "Authorization: Token" in page


def test_a_typed_logout_address_offers_the_button_and_posting_it_logs_out(client, user):
    client.force_login(user)

    page = client.get("/accounts/logout/")

    assert page.status_code == 200
    assert f"logged in as {user.email}" in page.content.decode()
    assert client.get("/accounts/profile/").status_code == 200  # a GET changes nothing
    client.post("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 302


def test_the_account_pages_call_the_address_e_mail(client):
    for url in ("/accounts/signup/", "/accounts/login/", "/accounts/password-reset/"):
        form = client.get(url).context["form"]
        assert form.fields["email" if "username" not in form.fields else "username"].label == (
            "E-mail"
        ), url


def test_each_field_points_at_its_help_and_errors_for_screen_readers(client):
    page = client.post("/accounts/signup/", {"email": "not-an-address"}).content.decode()

    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described  # the e-mail, password and consent fields, each with its error
    for ids in described:
        for element_id in ids.split():
            assert f'id="{element_id}"' in page, element_id
    assert page.count('aria-invalid="true"') == 3


def test_the_admin_login_shares_the_sign_in_throttle(client, user):
    codes = [
        client.post("/admin/login/", {"username": user.email, "password": "guess"}).status_code
        for _ in range(11)
    ]

    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    # ...and the login page counts the same guesses.
    refused = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert refused.status_code == 429


def test_password_reset_requests_are_throttled(client, user, throttle_rates):
    throttle_rates(password_reset="2/hour")

    codes = [
        client.post("/accounts/password-reset/", {"email": user.email}).status_code
        for _ in range(3)
    ]

    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_staff_still_log_in_at_the_admin(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": "password"}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/"


def _api_status(client_token: str) -> int:
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {client_token}")
    return api.get("/api/account").status_code


def test_a_new_password_ends_the_api_token(client, user):
    from accounts.services import token_for

    old_token = token_for(user=user)
    client.post("/accounts/password-reset/", {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_url, {"new_password1": "new-cobalt-meadow-3", "new_password2": "new-cobalt-meadow-3"}
    )

    assert _api_status(old_token) == 401
    assert token_for(user=user) != old_token


def test_the_profile_replaces_the_token_and_is_never_cached(client, user):
    from accounts.services import token_for

    client.force_login(user)
    old_token = token_for(user=user)

    page = client.get("/accounts/profile/")
    assert "no-store" in page["Cache-Control"]
    replaced = client.post("/accounts/token/replace/", follow=True)

    new_token = token_for(user=user)
    assert new_token != old_token and new_token in replaced.content.decode()
    assert _api_status(old_token) == 401 and _api_status(new_token) == 200


def test_an_address_typed_in_the_admin_is_stored_as_sign_in_looks_for_it(admin_client, user):
    added = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Mixed@Example.COM",
            "password1": "new-cobalt-meadow-3",
            "password2": "new-cobalt-meadow-3",
        },
    )
    assert added.status_code == 302
    assert User.objects.filter(email="mixed@example.com").exists()
    # The same address in other letters is the same account.
    again = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": user.email.upper(),
            "password1": "new-cobalt-meadow-3",
            "password2": "new-cobalt-meadow-3",
        },
    )
    assert again.status_code == 200 and "already exists" in again.content.decode()
