"""The session engine: Django's database sessions, refusing keys Django never makes."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        # A cookie can carry any character (the octal escape "\000" of a quoted value decodes
        # to NUL), and PostgreSQL refuses a NUL in a query: each page and API call of that
        # browser answered 500. A key of other characters than Django's is simply no session.
        return super()._validate_session_key(key) and set(key) <= set(VALID_KEY_CHARS)
