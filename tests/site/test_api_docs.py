import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_account_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/auth/signup", "/api/auth/token", "/api/account"):
        assert path in paths


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_are_served_from_the_site_alone(client, path):
    response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "/api/schema/" in page
    # Swagger UI and ReDoc come from the site: a CDN or a font host would leave the page blank
    # offline and tell a third party who reads it.
    assert "https://" not in page and "http://" not in page
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_admin_lists_and_adds_users(admin_client, user):
    listing = admin_client.get("/admin/accounts/user/")
    assert listing.status_code == 200
    assert user.email in listing.content.decode()

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "password1": "plum-velvet-harbour-7",
            "password2": "plum-velvet-harbour-7",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert admin_client.get("/admin/accounts/user/").content.decode().count("new@example.com") >= 1


def test_metrics_are_exported_for_prometheus(client):
    client.get("/health")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()
