"""The API documentation pages render in a real browser from the site's own files."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_renders_without_reaching_another_host(live_server, page, path):
    elsewhere, blocked = [], []

    def note(request):
        # blob: and data: URLs (ReDoc's worker) are the page's own.
        if request.url.startswith("http") and not request.url.startswith(live_server.url):
            elsewhere.append(request.url)

    page.on("request", note)
    # Stopped by the page's Content-Security-Policy before leaving the browser (ReDoc's logo).
    page.on("requestfailed", lambda r: blocked.append(r.url) if r.failure == "csp" else None)

    page.goto(live_server.url + path)

    # Both draw the operations from the schema: the analyze endpoint's path shows up.
    expect(page.get_by_text("/api/analyze").first).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert [url for url in elsewhere if url not in blocked] == []
