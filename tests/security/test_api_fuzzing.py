"""Schemathesis against /api/schema/ with a signed-in user: no 5xx, no schema violations.

Every built-in check runs (server errors, status codes, content types, headers, response
schemas, positive and negative data, auth, methods). Each example gets a fresh user, since
one of the operations deletes the account. Figures: docs/reliability.md ("Fuzzing").
"""

import itertools

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from accounts.models import User
from chromamatch_site.wsgi import application

EXAMPLES_PER_OPERATION = 150
# schemathesis' default for positive_data_acceptance.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
_emails = itertools.count()


# Loaded at collection (pytest-django has set Django up by then; serving the schema touches no
# database). schemathesis.pytest.from_fixture, the lazy loader, reads the ``_nodeid`` that
# pytest 9 no longer has.
# Two documented exceptions to "schema-valid data is accepted": a photo upload is valid only
# when its bytes are a photo (OpenAPI cannot say that), and a sign-up only when the password
# passes Django's password validators (common, numeric, like the address...).
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path-regex": "^(/api)?/analyze$",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400, 413]}
                },
            },
            {
                "include-path": "/api/auth/signup",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
            },
        ]
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _in_process_app(db, settings):
    # Sign-ups that pass validation hash a password each; a fast hasher keeps the run short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The app runs in this process inside the test's transaction, as with Django's test
    # client, which likewise stops Django closing the connection at each request's end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _fresh_token() -> str:
    user = User.objects.create_user(email=f"fuzz{next(_emails)}@example.com", password=None)
    return Token.objects.create(user=user).key


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case):
    # A path parameter that is not an integer (/api/analyses/null,null) reaches the API's
    # last route, which answers the documented JSON 404 (docs/reliability.md, "Fuzzing").
    case.call_and_validate(headers={"Authorization": f"Token {_fresh_token()}"})
