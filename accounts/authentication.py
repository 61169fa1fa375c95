"""How API calls sign in with ``Authorization: Token <token>``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token sign-in, refusing a key no token can have before it reaches the database."""

    def authenticate_credentials(self, key):
        # PostgreSQL refuses a NUL byte in a query, which made a bad credential a 500, not a 401.
        if "\x00" in key:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)
