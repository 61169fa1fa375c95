"""What fuzzing the API found, fixed: each as a plain example."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def test_every_api_operation_documents_its_error_answers(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = {int(code) for code in operation["responses"] if int(code) >= 400}
            if path not in ("/api/auth/signup", "/api/auth/token"):
                assert 401 in codes, (method, path)
            for code in codes:
                body = operation["responses"][str(code)]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)


@pytest.mark.parametrize("page", ["", "last", "+1", "1.0"])
def test_a_page_that_is_not_a_number_is_not_found(auth_client, page):
    response = auth_client.get(f"/api/analyses/?page={page}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["get", "delete"])
@pytest.mark.parametrize("tail", ["0%0A", "%C2%9B%F1%9E%8C%BA0%0A", "1%0A2"])
def test_an_address_with_a_newline_in_it_is_answered_in_json(auth_client, method, tail):
    response = getattr(auth_client, method)(f"/api/analyses/{tail}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_the_first_page_is_still_read(auth_client):
    assert auth_client.get("/api/analyses/?page=1").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [{"hex": ""}, {"hex": "#12345g"}, {"hex": "#336699", "analysis": 0}],
    ids=["blank", "not-hex", "id-zero"],
)
def test_color_check_refuses_what_its_schema_refuses(auth_client, payload):
    response = auth_client.post("/api/color-check", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_color_check_schema_gives_the_pattern_it_reads(openapi):
    hex_schema = openapi["components"]["schemas"]["ColorCheckInput"]["properties"]["hex"]
    assert hex_schema["pattern"] == "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"


@pytest.mark.parametrize("url", ["/api/auth/signup", "/api/auth/token"])
def test_a_blank_password_is_refused_as_the_schema_says(api_client, openapi, url):
    component = "SignupInput" if "signup" in url else "TokenInput"
    assert openapi["components"]["schemas"][component]["properties"]["password"]["minLength"] == 1

    response = api_client.post(
        url, {"email": "a@example.com", "password": "", "consent": True}, format="json"
    )

    assert response.status_code == 400
