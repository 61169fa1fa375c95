import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_unknown_api_path_answers_404_in_the_json_shape(client, settings, debug):
    settings.DEBUG = debug  # Django's debug 404 page is HTML: the API must not depend on it

    response = client.get("/api/analyses/null,null")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is nothing at this address."}
    }


@pytest.mark.parametrize("method", ["post", "delete"])
def test_an_endpoint_without_its_slash_is_named_not_a_500(auth_client, settings, method):
    # APPEND_SLASH cannot redirect a POST or DELETE, and under DEBUG it raised instead.
    settings.DEBUG = True

    response = getattr(auth_client, method)("/api/analyses")

    assert response.status_code == 404
    assert response.json()["error"]["message"].endswith("the endpoint is /api/analyses/")


def test_a_get_without_the_slash_is_redirected_to_the_endpoint(auth_client):
    response = auth_client.get("/api/analyses?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/api/analyses/?page=2"


def test_an_unknown_page_answers_the_html_404(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
