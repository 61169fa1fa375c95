"""Staff open a drift report from the admin in a real browser and see Evidently's report."""

import pytest
from playwright.sync_api import expect

from monitoring import services
from tests.factories import PASSWORD, UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_staff_open_the_evidently_report_from_the_admin(live_server, browser, screenshots):
    owner = UserFactory()
    stored_analyses(owner, 20)
    stored_analyses(owner, 20, warm=True)
    report = services.drift_report_run(reference_size=20, current_size=20)
    assert report.status == report.Status.DRIFT
    staff = UserFactory(is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Email address").or_(page.get_by_label("E-mail address")).fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/monitoring/driftreport/")
    expect(page.get_by_role("link", name="open", exact=True)).to_have_count(1)
    with context.expect_page() as opened:
        page.get_by_role("link", name="open", exact=True).click()
    report_page = opened.value
    report_page.wait_for_load_state("networkidle")
    expect(report_page.get_by_text("Drift is detected for").first).to_be_visible(timeout=30_000)
    report_page.screenshot(path=str(screenshots / "drift-report.png"))
    context.close()
