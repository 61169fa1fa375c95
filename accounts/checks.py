"""Deployment checks of what accounts need from the environment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


@checks.register(checks.Tags.security, deploy=True)
def password_reset_mail(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND != DUMMY_EMAIL:
        return []
    return [
        checks.Warning(
            "EMAIL_HOST is not set, so password-reset e-mails are not sent.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD).",
            id="accounts.W001",
        )
    ]
