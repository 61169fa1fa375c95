"""Malformed requests to the API answer 4xx in the one JSON error shape, never HTML or 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.analysis.helpers import no_face_jpeg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("analyze_budget")]


def _photo(name: str = "selfie.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, no_face_jpeg(), content_type="image/jpeg")


def _multipart(client, data, query=""):
    return client.post(f"/api/analyze{query}", data, format="multipart")


NESTED_JSON = b"[" * 100_000 + b"]" * 100_000

CASES = {
    "no file field": (lambda c: _multipart(c, {"photo": _photo()}), 400, "file_required"),
    "json instead of multipart": (
        lambda c: c.post("/api/analyze", {"file": "x"}, format="json"),
        415,
        "unsupported_media_type",
    ),
    "101 files": (
        lambda c: _multipart(c, {"file": [_photo() for _ in range(101)]}),
        400,
        "too_many_fields",
    ),
    "1100 form fields": (
        lambda c: _multipart(c, {**{f"k{i}": "v" for i in range(1100)}, "file": _photo()}),
        400,
        "too_many_fields",
    ),
    "3 MB text field beside the photo": (
        lambda c: _multipart(c, {"file": _photo(), "note": "x" * 3_000_000}),
        413,
        "request_too_large",
    ),
    "multipart without boundary": (
        lambda c: c.generic("POST", "/api/analyze", b"abc", content_type="multipart/form-data"),
        400,
        "parse_error",
    ),
    "wait not a number": (
        lambda c: _multipart(c, {"file": _photo()}, "?wait=abc"),
        400,
        "invalid",
    ),
    "wait nan": (lambda c: _multipart(c, {"file": _photo()}, "?wait=nan"), 400, "invalid"),
    "wait infinite": (lambda c: _multipart(c, {"file": _photo()}, "?wait=1e999"), 400, "invalid"),
    "GET on analyze": (lambda c: c.get("/api/analyze"), 405, "method_not_allowed"),
    "broken JSON": (
        lambda c: c.generic("POST", "/api/color-check", b"{", content_type="application/json"),
        400,
        "parse_error",
    ),
    # 200 kB, well under the size limit, but deeper than Python's JSON reader can recurse.
    "JSON nested 100 000 deep": (
        lambda c: c.generic(
            "POST", "/api/color-check", NESTED_JSON, content_type="application/json"
        ),
        400,
        "parse_error",
    ),
    "JSON nested 100 000 deep, signing up": (
        lambda c: c.generic(
            "POST", "/api/auth/signup", NESTED_JSON, content_type="application/json"
        ),
        400,
        "parse_error",
    ),
    "id beyond 64 bits": (
        lambda c: c.get("/api/analyses/99999999999999999999999"),
        404,
        "not_found",
    ),
    # The development server passes any header on; django_prometheus read it as a number.
    "Content-Length not a number": (
        lambda c: c.generic(
            "POST", "/api/color-check", b"{}", content_type="application/json", CONTENT_LENGTH="x"
        ),
        400,
        "bad_request",
    ),
    "Content-Length negative, original path": (
        lambda c: c.generic("POST", "/analyze", b"", CONTENT_LENGTH="-1"),
        400,
        "bad_request",
    ),
    "page beyond 64 bits": (
        lambda c: c.get("/api/analyses/?page=99999999999999999999"),
        404,
        "not_found",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_malformed_request_answers_a_json_4xx(auth_client, case):
    send, status, code = CASES[case]

    response = send(auth_client)

    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_a_refused_oversized_form_is_still_logged_as_a_security_event(auth_client, caplog):
    _multipart(auth_client, {"file": [_photo() for _ in range(101)]})

    assert any(r.name == "django.security.TooManyFilesSent" for r in caplog.records)


def test_a_page_with_a_malformed_content_length_answers_400_not_500(client):
    response = client.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH="1e3")

    assert response.status_code == 400
    assert b"Content-Length" in response.content


def test_the_wrong_body_type_is_told_what_the_endpoint_takes(auth_client):
    response = auth_client.post("/api/analyze", {"file": "x"}, format="json")

    assert response.json()["error"]["message"] == (
        "This endpoint takes multipart/form-data or application/x-www-form-urlencoded, "
        "not application/json."
    )
