"""The analysis pages: upload, result (progress, failure, colour check), history, deletion."""

import copy
import html
import itertools
import re
from datetime import UTC, timedelta

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

from analysis import services, views
from analysis.models import Analysis, Selfie
from analysis.templatetags.confidence import percent_sure
from analysis.views import WARNING_ADVICE
from chromamatch import quality
from chromamatch.analysis import UNSEEN_FEATURE_WARNINGS, analyze, result_drape_colours
from chromamatch.errors import MESSAGES
from chromamatch.palette import palettes
from chromamatch.season import SEASONS
from chromamatch.tone import MST_SWATCHES
from tests.analysis.helpers import development_photo, no_face_jpeg
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every page route of one analysis, with the methods it accepts.
ANALYSIS_ROUTES = [
    ("/analyses/{pk}/", "get"),
    ("/analyses/{pk}/colour-check", "get"),
    ("/analyses/{pk}/colour-check", "post"),
    ("/analyses/{pk}/selfie.jpg", "get"),
    ("/analyses/{pk}/drape.png", "get"),
    ("/analyses/{pk}/delete", "get"),
    ("/analyses/{pk}/delete", "post"),
]


@pytest.fixture(scope="module")
def engine_output(shared_faces):
    """One development photo with what the engine made of it (computed once)."""
    photo = development_photo(shared_faces)
    return photo, analyze(photo)


@pytest.fixture
def page_client(client, user):
    client.force_login(user)
    cache.delete(f"throttle_analyze_{user.pk}")
    return client


def _done(owner, engine_output, **changes) -> Analysis:
    """A finished analysis as the worker leaves it, on a real photo and its real result."""
    photo, result = engine_output
    analysis = services.analysis_create(owner=owner, data=photo)
    result = copy.deepcopy(result)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = result
        for key in parents:
            target = target[key]
        target[leaf] = value
    services.analysis_complete(
        analysis_id=analysis.pk,
        result=result,
        model_name="ChromaMatch_Model",
        model_version="3",
    )
    analysis.refresh_from_db()
    return analysis


def _text(response) -> str:
    """The page's visible text with tags and extra whitespace removed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize(("route", "method"), ANALYSIS_ROUTES)
def test_it_answers_404_for_another_persons_analysis(page_client, route, method):
    theirs = services.analysis_create(owner=UserFactory(), data=no_face_jpeg())

    response = getattr(page_client, method)(route.format(pk=theirs.pk), {"hex": "#336699"})

    assert response.status_code == 404
    assert Analysis.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("route", "method"),
    [("/analyses/{pk}/", "post"), ("/analyses/{pk}/selfie.jpg", "post")],
)
def test_it_answers_a_wrong_method_alike_for_theirs_and_missing(page_client, route, method):
    # A 405 before the owner check must not tell an existing id from a missing one.
    theirs = services.analysis_create(owner=UserFactory(), data=no_face_jpeg())

    existing = getattr(page_client, method)(route.format(pk=theirs.pk))
    missing = getattr(page_client, method)(route.format(pk=theirs.pk + 1000))

    assert existing.status_code == missing.status_code == 405


@pytest.mark.parametrize(
    "route", ["/upload/", "/analyses/", "/analyses/1/", "/analyses/1/selfie.jpg"]
)
def test_it_sends_visitors_to_log_in(client, route):
    response = client.get(route)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_offers_a_labelled_camera_input(page_client):
    page = page_client.get("/upload/").content.decode()

    assert re.search(r'<label for="id_photo">Your selfie</label>', page)
    tag = re.search(r"<input[^>]*type=\"file\"[^>]*>", page).group(0)
    assert 'accept="image/*"' in tag
    assert 'capture="user"' in tag
    assert 'id="id_photo"' in tag


def test_it_shows_the_engine_message_for_an_unreadable_file(page_client, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(b"this is not a photo at all")

    with bad.open("rb") as handle:
        response = page_client.post("/upload/", {"photo": handle})

    assert response.status_code == 400
    assert MESSAGES["unsupported_format"] in response.content.decode()
    assert 'name="photo"' in response.content.decode()
    assert not Selfie.objects.exists()


def test_it_asks_for_a_photo_when_none_was_sent(page_client):
    response = page_client.post("/upload/", {})

    assert response.status_code == 400
    assert "Choose a photo" in response.content.decode()


def test_it_redirects_an_upload_to_its_progress_page(page_client, user, shared_faces, tmp_path):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(development_photo(shared_faces))

    with photo.open("rb") as handle:
        response = page_client.post("/upload/", {"photo": handle})

    analysis = Analysis.objects.get(selfie__owner=user)
    assert response.status_code == 302
    assert response["Location"] == f"/analyses/{analysis.pk}/"
    page = page_client.get(response["Location"]).content.decode()
    assert "Analysing your photo" in page
    assert '<meta http-equiv="refresh"' in page
    assert f'data-status-url="/api/analyses/{analysis.pk}"' in page


def test_it_shows_the_measured_colours_season_palette_and_advice(page_client, user, engine_output):
    analysis = _done(user, engine_output)
    result = analysis.result

    response = page_client.get(f"/analyses/{analysis.pk}/")

    page = response.content.decode()
    text = _text(response)
    assert response.status_code == 200
    assert f"background: {result['skin']['hex']}" in page
    assert f"background: {result['eyes']['hex']}" in page
    assert f"background: {result['hair']['hex']}" in page
    # A label read at 30 % confidence is not stated as fact.
    eyes_sure = percent_sure(result["eyes"]["confidence"])
    assert f"{result['eyes']['label']} ({eyes_sure} confidence)" in text
    assert "Each swatch is the measured average" in text
    assert f"Your season: {result['season']['label']}" in text
    assert result["season"]["why"] in text
    assert f"level {result['skin']['mst']} of 10" in text
    assert f"type {result['skin']['fitzpatrick']}" in text
    assert f"{result['skin']['ita']}°" in text
    assert f"Face shape: {result['face_shape']['label']}" in text
    assert "% confidence" in text
    for key in ("best", "neutrals", "avoid"):
        for hex_ in result["palette"][key]:
            assert f"background: {hex_}" in page
    assert result["palette"]["metals"][0] in text
    for item in result["recommendations"]:
        assert item["text"] in text
        assert item["why"] in text
    assert "<h3>Make-up</h3>" in page and "<h3>Clothing</h3>" in page
    # Palette swatches carry the colours' names.
    best = palettes()[result["season"]["label"]]["best"]
    assert all(colour["name"].lower() in text.lower() for colour in best)
    assert f'src="/analyses/{analysis.pk}/drape.png"' in page
    assert f'src="/analyses/{analysis.pk}/selfie.jpg"' in page
    assert '<meta http-equiv="refresh"' not in page


def test_it_explains_the_face_shape_by_its_measurements(page_client, user, engine_output):
    analysis = _done(
        user,
        engine_output,
        face_shape={
            "label": "square",
            "confidence": 0.7,
            # Stored before the chin's width was measured: its row is left out.
            "measurements": {"length_to_width": 1.30, "jaw_width": 0.84, "jaw_angle_deg": 126.0},
        },
    )

    response = page_client.get(f"/analyses/{analysis.pk}/")

    text = _text(response)
    assert "Face shape: square" in text
    assert "A square face has a broad jaw and angular jaw corners." in text
    assert "Jaw 84.0% 79.2% wider than most" in text
    assert "Yours shows a broad jaw and angular jaw corners beyond the usual range" in text
    assert "Jaw angle 126° 133° more angular than most" in text
    assert "Length 1.30 1.38 shorter than most" in text
    assert '<th scope="row">Chin</th>' not in response.content.decode()


def test_it_gives_advice_for_each_quality_warning(page_client, user, engine_output):
    analysis = _done(
        user, engine_output, quality__warnings=["too_dark", "colour_cast", "hair_not_visible"]
    )

    text = _text(page_client.get(f"/analyses/{analysis.pk}/"))

    assert "Face a window or step into daylight" in text
    assert "daylight from a window gives the most trustworthy result" in text
    assert "Leave some hair in the picture" in text


def test_every_warning_the_engine_gives_has_advice():
    assert set(WARNING_ADVICE) == set(quality.WARNINGS) | set(UNSEEN_FEATURE_WARNINGS)


def test_it_shows_why_a_failed_analysis_failed(page_client, user):
    analysis = services.analysis_create(owner=user, data=no_face_jpeg())
    services.analysis_complete(
        analysis_id=analysis.pk,
        result={"ok": False, "error": {"code": "no_face", "message": MESSAGES["no_face"]}},
        model_name="ChromaMatch_Model",
        model_version="3",
    )

    response = page_client.get(f"/analyses/{analysis.pk}/")

    assert MESSAGES["no_face"] in response.content.decode()
    assert 'href="/upload/">Try another photo' in response.content.decode()


def test_it_streams_the_selfie_and_the_drape_to_their_owner(page_client, user, engine_output):
    analysis = _done(user, engine_output)

    selfie = page_client.get(f"/analyses/{analysis.pk}/selfie.jpg")
    drape = page_client.get(f"/analyses/{analysis.pk}/drape.png")

    if settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"):
        # On S3 the browser is sent to a short-lived signed URL of the private object.
        for response in (selfie, drape):
            assert response.status_code == 302
            assert "Signature=" in response["Location"]
            assert requests.get(response["Location"], timeout=10).status_code == 200
        return
    assert selfie["Content-Type"] == "image/jpeg"
    assert b"".join(selfie.streaming_content)[:2] == b"\xff\xd8"
    assert drape["Content-Type"] == "image/png"
    assert b"".join(drape.streaming_content)[:4] == b"\x89PNG"
    assert selfie["Cache-Control"] == "private, no-store"


def test_it_answers_404_for_a_selfie_not_stored(page_client, user):
    analysis = services.analysis_create(owner=user, data=no_face_jpeg())
    Selfie.objects.filter(pk=analysis.selfie_id).update(image="")

    assert page_client.get(f"/analyses/{analysis.pk}/selfie.jpg").status_code == 404


def test_it_says_the_draping_picture_comes_once_the_analysis_is_finished(page_client, user):
    pending = services.analysis_create(owner=user, data=no_face_jpeg())

    response = page_client.get(f"/analyses/{pending.pk}/drape.png")

    assert response.status_code == 409
    assert "not finished yet" in _text(response)
    assert f'href="/analyses/{pending.pk}/"' in response.content.decode()


def test_it_says_the_draping_picture_went_with_a_purged_photo(page_client, user, engine_output):
    analysis = _done(user, engine_output)
    Selfie.objects.filter(pk=analysis.selfie_id).update(image="")

    page = page_client.get(f"/analyses/{analysis.pk}/")
    drape = page_client.get(f"/analyses/{analysis.pk}/drape.png")

    assert "draping picture went with your photo after the retention period" in _text(page)
    assert "drape.png" not in page.content.decode()
    assert drape.status_code == 404
    assert "deleted after the retention period" in _text(drape)


def test_it_judges_a_picked_colour(page_client, user, engine_output):
    analysis = _done(user, engine_output)

    response = page_client.post(f"/analyses/{analysis.pk}/colour-check", {"hex": "#FF4040"})

    text = _text(response)
    assert response.status_code == 200
    assert re.search(r"#ff4040: (great|good|fair|poor), \d+/100", text)
    assert "palette" in text


def test_it_refuses_a_colour_that_is_not_one(page_client, user, engine_output):
    analysis = _done(user, engine_output)

    response = page_client.post(f"/analyses/{analysis.pk}/colour-check", {"hex": "red"})

    assert response.status_code == 400
    assert "is not a colour like #a1b2c3" in response.content.decode()


def test_a_delete_button_without_javascript_asks_before_deleting(page_client, user, engine_output):
    analysis = _done(user, engine_output)
    history = page_client.get("/analyses/").content.decode()
    assert f'action="/analyses/{analysis.pk}/delete"' in history

    # What the history's and the result page's buttons post when no script confirmed it.
    response = page_client.post(f"/analyses/{analysis.pk}/delete")

    assert response.status_code == 200
    assert "Delete this analysis?" in response.content.decode()
    assert 'name="confirmed" value="yes"' in response.content.decode()
    assert Analysis.objects.filter(pk=analysis.pk).exists()


def test_it_deletes_an_analysis_with_its_pictures(
    page_client, user, engine_output, django_capture_on_commit_callbacks
):
    analysis = _done(user, engine_output)
    page_client.get(f"/analyses/{analysis.pk}/drape.png")  # drawn and stored
    analysis.refresh_from_db()
    names = [analysis.selfie.image.name, analysis.drape.name]
    assert all(names)

    confirm = page_client.get(f"/analyses/{analysis.pk}/delete")
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client.post(
            f"/analyses/{analysis.pk}/delete", {"confirmed": "yes"}, follow=True
        )

    assert "Delete this analysis?" in confirm.content.decode()
    assert response.redirect_chain[-1][0] == "/analyses/"
    assert "have been deleted" in response.content.decode()
    assert not Analysis.objects.filter(pk=analysis.pk).exists()
    assert not Selfie.objects.filter(owner=user).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_it_never_shows_a_measurement_as_100_percent_sure(page_client, user, engine_output):
    sure = _done(user, engine_output, undertone__confidence=1.0, season__confidence=0.62)

    text = _text(page_client.get(f"/analyses/{sure.pk}/"))

    assert "(over 99% confidence)" in text
    assert "family, 62% confidence." in text
    assert "100%" not in text


def _measured(ita: float, season: str) -> Analysis:
    return Analysis(result={"skin": {"ita": ita}, "season": {"label": season}})


def test_history_says_which_season_a_persons_photos_agree_on():
    agree = views.consistency([_measured(40, "deep winter"), _measured(42, "deep winter")])
    mostly = views.consistency(
        [_measured(40, "deep winter"), _measured(42, "soft summer"), _measured(41, "deep winter")]
    )

    assert agree == (
        "Your ITA varied by 1.4° (standard deviation) over 2 analyses; every one gave deep winter."
    )
    assert "seasons: deep winter ×2, soft summer ×1." in mostly
    assert mostly.endswith("deep winter is the one your photos agree on most often.")


def test_it_lists_history_newest_first_with_the_skin_tone_chart(page_client, user, engine_output):
    # A season other than the photo's own, so that each is counted once.
    other = next(label for label in SEASONS if label != engine_output[1]["season"]["label"])
    first = _done(user, engine_output, skin__ita=40.0, season__label=other)
    second = _done(user, engine_output, skin__ita=44.0)
    pending = services.analysis_create(owner=user, data=no_face_jpeg())
    services.analysis_create(owner=UserFactory(), data=no_face_jpeg())  # someone else's

    response = page_client.get("/analyses/")

    page = response.content.decode()
    text = _text(response)
    links = re.findall(r'href="/analyses/(\d+)/" class="history-link"', page)
    assert links == [str(pending.pk), str(second.pk), str(first.pk)]
    assert page.count("<circle") == 2
    assert f'fill="{first.result["skin"]["hex"]}"' in page
    assert "Your ITA varied by 2.8° (standard deviation) over 2 analyses" in text
    assert f"{other} ×1" in text
    assert "no season has come up more often than the others yet" in text
    assert "In progress" in text
    assert text.count("Delete") >= 3
    # 40 and 44 degrees lie either side of the light band's lower edge, drawn as a line; the
    # scale is labelled in round degrees besides.
    assert "the dashed lines mark the usual skin-type bands" in text
    assert ">41°</text>" in page and ">light above</text>" in page
    assert ">30°</text>" in page and ">50°</text>" in page
    # Both analyses are of one day: its ends give the times, not the same date twice.
    assert f">{first.selfie.created:%d %b %Y, %H:%M}</text>" in page
    assert f">{second.selfie.created:%H:%M} UTC</text>" in page


def test_the_charts_time_axis_gives_dates_across_days():
    day = timezone.now()
    assert views._time_axis(day - timedelta(days=3), day) == {
        "first": f"{day - timedelta(days=3):%d %b %Y}",
        "last": f"{day:%d %b %Y}",
    }


def test_it_labels_the_chart_in_degrees_when_every_analysis_lies_in_one_band(
    page_client, user, engine_output
):
    _done(user, engine_output, skin__ita=-75.0)
    _done(user, engine_output, skin__ita=-78.0)

    response = page_client.get("/analyses/")

    page = response.content.decode()
    assert 'class="bound"' not in page
    assert ">-70°</text>" in page and ">-80°</text>" in page
    assert "every analysis here lies in the dark band" in _text(response)


def test_the_charts_degree_labels_never_overprint_each_other(page_client, user, engine_output):
    # A wide span: band edges at 55, 41, 28 and 10 degrees all fall inside, among round values.
    _done(user, engine_output, skin__ita=-34.5)
    _done(user, engine_output, skin__ita=73.5)

    page = page_client.get("/analyses/").content.decode()

    label_ys = sorted(
        float(y)
        for y in re.findall(r'<text x="40" y="([-\d.]+)" class="axis" text-anchor="end"', page)
    )
    assert len(label_ys) >= 6
    assert min(b - a for a, b in itertools.pairwise(label_ys)) >= views.CHART_LABEL_GAP
    for edge in ("55°", "41°", "28°", "10°"):
        assert f">{edge}</text>" in page


def test_it_shows_an_empty_history(page_client):
    text = _text(page_client.get("/analyses/"))

    assert "No analyses yet" in text
    assert "<svg" not in text


def test_it_links_the_pages_in_the_navigation(page_client):
    page = page_client.get("/").content.decode()

    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    assert 'href="/upload/"' in nav
    assert 'href="/analyses/"' in nav
    assert 'href="/accounts/profile/"' in nav
    assert re.search(r'<form method="post" action="/accounts/logout/"', nav)


def test_it_explains_the_product_on_the_home_page(client):
    text = _text(client.get("/"))

    for feature in ("Monk Skin Tone", "ITA", "Fitzpatrick", "Undertone", "Face shape"):
        assert feature in text
    for feature in ("season", "palette", "Advice", "draping", "Colour check", "History"):
        assert feature in text
    assert "Create a free account" in text


def test_dates_say_they_are_utc_and_carry_the_moment_for_the_readers_time_zone(
    page_client, user, engine_output
):
    analysis = _done(user, engine_output)
    stamp = timezone.localtime(analysis.selfie.created, UTC)

    page = page_client.get(f"/analyses/{analysis.pk}/").content.decode()

    assert (
        f'<time datetime="{stamp.isoformat()}" class="moment">'
        f"{stamp.day} {stamp:%B %Y, %H:%M} UTC</time>"
    ) in page
    assert "js/result.js" in page  # which shows it in the reader's own time zone


@pytest.mark.parametrize("level, dark", [(3, False), (6, False), (7, True), (9, True)])
def test_the_marked_monk_level_is_readable_on_its_swatch(
    page_client, user, engine_output, level, dark
):
    analysis = _done(user, engine_output, skin__mst=level)

    page = page_client.get(f"/analyses/{analysis.pk}/").content.decode()

    marked = re.search(r'<li style="background: (#\w+)" class="([^"]+)" aria-current', page)
    assert marked.group(1) == MST_SWATCHES[level - 1]
    assert ("on-dark" in marked.group(2).split()) is dark


def test_the_draped_colours_are_named_below_the_picture(page_client, user, engine_output):
    analysis = _done(user, engine_output)
    best, avoid = result_drape_colours(analysis.result)

    text = _text(page_client.get(f"/analyses/{analysis.pk}/"))

    assert f"Top row, your best: {', '.join(c['name'] for c in best)}." in text
    assert f"Bottom row, to avoid: {', '.join(c['name'] for c in avoid)}." in text


def test_the_result_page_explains_the_units_its_reasons_use(page_client, user, engine_output):
    analysis = _done(user, engine_output)

    page = page_client.get(f"/analyses/{analysis.pk}/").content.decode()

    glossary = re.search(r'<details class="glossary">(.*?)</details>', page, re.S)[1]
    terms = " ".join(re.findall(r"<dt>(.*?)</dt>", glossary))
    # Every unit the season's reason and the advice write in is explained.
    reasons = html.unescape(page.split('<details class="glossary">')[0])
    for unit in ("SD", "L*", "C*", "a*", "b*", "ITA", "temperature", "clarity"):
        if unit in reasons:
            assert unit in terms, unit
    assert "ΔE00" in terms  # the colour check's reasons


def test_history_says_when_the_photos_light_made_most_of_the_difference(
    page_client, user, engine_output
):
    other = next(label for label in SEASONS if label != engine_output[1]["season"]["label"])
    _done(user, engine_output, skin__ita=45.0, season__label=other)
    _done(user, engine_output, skin__ita=20.0)

    text = _text(page_client.get("/analyses/"))

    assert "Your ITA varied by 17.7°" in text and "more than light alone explains" in text
    assert "can land in another season, most often a neighbouring one" in text
