import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_answers_404_in_the_json_shape(client, settings):
    settings.DEBUG = False  # Django's technical 404 page replaces the handler under DEBUG

    response = client.get("/api/analyses/null,null")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is nothing at this address."}
    }


def test_an_unknown_page_answers_the_html_404(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
