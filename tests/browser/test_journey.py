"""A person's first visit, in a real browser: sign up, upload a selfie, read the result,
check a colour, see the history, delete the analysis, log out."""

import re

import pytest
from playwright.sync_api import expect

from analysis.models import Analysis

pytestmark = [pytest.mark.browser, pytest.mark.worker]

# A list of what is wrong with a page's accessibility basics, computed in the browser.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("html without lang");
  for (const input of document.querySelectorAll("input, select, textarea")) {
    if (input.type === "hidden") continue;
    if (!input.labels.length && !input.getAttribute("aria-label"))
      problems.push("unlabelled input " + input.name);
  }
  for (const img of document.querySelectorAll("img"))
    if (!img.hasAttribute("alt")) problems.push("img without alt " + img.src);
  let level = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const next = Number(heading.tagName[1]);
    if (next > level + 1)
      problems.push("heading jumps to " + heading.tagName + ": " + heading.textContent.trim());
    level = next;
  }
  for (const button of document.querySelectorAll("button, a"))
    if (!button.textContent.trim() && !button.getAttribute("aria-label")
        && !button.querySelector("img[alt]:not([alt=''])"))
      problems.push("control without a name");
  return problems;
}"""


# What is wrong with a page's layout at the viewport's width: a page wider than the screen, or
# a button drawn in pieces (an inline element whose background breaks across lines).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push("page wider than the screen: " + document.documentElement.scrollWidth);
  for (const control of document.querySelectorAll("button, a.button, a.danger"))
    if (control.getClientRects().length > 1)
      problems.push("button broken across lines: " + control.textContent.trim());
  return problems;
}"""


def _accessible(page) -> None:
    assert page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url
    assert page.evaluate(LAYOUT_PROBLEMS) == [], page.url


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_person_from_sign_up_to_deleting_their_analysis(
    live_server, celery_worker_process, page, shared_faces, screenshots
):
    photo = sorted((shared_faces / "images").glob("*.jpg"))[0]

    page.goto(live_server.url + "/")
    _accessible(page)
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("E-mail").fill("browser@example.com")
    page.get_by_label("Password").fill("plum-velvet-harbour-7")
    page.get_by_label("I agree to face analysis").check()
    _accessible(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome to ChromaMatch.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    _accessible(page)
    page.get_by_label("Your selfie").set_input_files(str(photo))
    page.get_by_role("button", name="Analyse my colours").click()
    expect(page).to_have_url(re.compile(r"/analyses/\d+/$"))

    season = page.get_by_role("heading", name=re.compile("^Your season: "))
    expect(season).to_be_visible(timeout=120_000)
    analysis = Analysis.objects.get(selfie__owner__email="browser@example.com")
    assert analysis.status == Analysis.Status.DONE
    assert season.text_content() == f"Your season: {analysis.result['season']['label']}"
    measured = page.locator(".measured-swatches .swatch")
    expect(measured).to_have_count(3)
    assert page.locator(".palette-best .swatch").count() == len(analysis.result["palette"]["best"])
    expect(page.get_by_alt_text("The selfie you sent")).to_be_visible()
    # Written in UTC, shown in the reader's own time zone once the script has run.
    expect(page.locator("time.moment").first).not_to_contain_text("UTC")
    expect(page.locator("img.drape")).to_be_visible()
    _accessible(page)
    # The loaded images really are pictures (the owner-checked views answered). The draping
    # picture is drawn on this first request, so wait for the images to finish loading.
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths)

    page.get_by_label("Pick a colour").fill("#ff4040")
    page.get_by_role("button", name="Check this colour").click()
    verdict = page.locator("#colour-check-result")
    expect(verdict).to_contain_text(re.compile(r"#ff4040: (great|good|fair|poor), \d+/100"))
    assert page.url.endswith(f"/analyses/{analysis.pk}/")  # answered in place by the API
    for name, size in (
        ("small-phone", (320, 640)),
        ("phone", (390, 844)),
        ("desktop", (1280, 900)),
    ):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        assert page.evaluate(LAYOUT_PROBLEMS) == [], name
        page.screenshot(path=screenshots / f"result-{name}.png", full_page=True)
        page.screenshot(path=screenshots / f"result-{name}-top.png")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.locator("p.consistency")).to_contain_text("One analysis so far")
    expect(page.locator("svg.chart circle")).to_have_count(1)
    _accessible(page)
    page.screenshot(path=screenshots / "history-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("link", name=re.compile("^Delete your account"))).to_be_visible()
    _accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Delete the analysis of")).click()
    expect(page.get_by_text("The analysis and its photo have been deleted.")).to_be_visible()
    expect(page.get_by_text("No analyses yet")).to_be_visible()
    assert not Analysis.objects.filter(pk=analysis.pk).exists()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Log out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(live_server.url + "/analyses/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_bad_file_on_the_upload_form(live_server, page, tmp_path):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_bytes(b"plain text, not a photo")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/upload/")
    page.get_by_label("Your selfie").set_input_files(str(not_a_photo))
    page.get_by_role("button", name="Analyse my colours").click()

    expect(page.get_by_role("alert")).to_contain_text("This file is not a photo we can read")
    expect(page.get_by_label("Your selfie")).to_be_visible()
    _accessible(page)
