"""Writes to accounts: sign-up with recorded consent, API tokens, account deletion."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from accounts import consent
from accounts.models import Consent, User

CONSENT_REQUIRED = (
    "You need to give your consent to face analysis to use ChromaMatch; nothing was stored."
)


class SignupError(Exception):
    """Sign-up refused, with a code and a message written for the person signing up."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@transaction.atomic
def user_signup(*, email: str, password: str, consent_given: bool) -> User:
    """Create an account; refuse it without consent to face analysis."""
    if not consent_given:
        raise SignupError("consent_required", CONSENT_REQUIRED, field="consent")
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email=email).exists():
        raise _email_taken()
    try:
        password_validation.validate_password(password, User(email=email))
    except ValidationError as exc:
        raise SignupError("weak_password", " ".join(exc.messages), field="password") from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password)
    except IntegrityError:  # the same address signed up a moment ago
        raise _email_taken() from None
    Consent.objects.create(user=user, policy_version=consent.POLICY_VERSION)
    return user


def _email_taken() -> SignupError:
    return SignupError(
        "email_taken",
        "An account with this e-mail address already exists. Log in, or reset your password.",
        field="email",
    )


def token_for(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_revoke(*, user: User) -> None:
    """End the account's API token; the next sign-in through the API (or a visit to the
    profile) makes a new one. A new password ends it too: a token that leaked with the old
    password must not outlive it."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account, every row that belongs to it and every stored picture, its sessions
    on every device, and the admin's history of changes to it (each entry names the account by
    its e-mail address)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from analysis.services import user_analyses_delete

    user_analyses_delete(owner=user)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    _sessions_end(user)
    user.delete()


def _sessions_end(user: User) -> None:
    """Delete the account's sessions on every device (the request's own logout ends only one,
    and the others kept rows naming the account). Sessions are found by what they hold: the
    database keeps no index of them by user."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
