"""The admin: analyses with thumbnails, filters and search, re-running on the production
model, and users with their analysis counts."""

import html
import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from analysis import services
from analysis.models import Analysis, Selfie
from tests.analysis.helpers import development_photo, no_face_jpeg, wait_finished
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/analysis/analysis/"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _finished(owner, *, version: str, ok: bool = True) -> Analysis:
    analysis = services.analysis_create(owner=owner, data=no_face_jpeg())
    result = (
        {"ok": True, "skin": {"hex": "#c3a08a"}}
        if ok
        else {"ok": False, "error": {"code": "no_face", "message": "No face was found."}}
    )
    services.analysis_complete(
        analysis_id=analysis.pk,
        result=result,
        model_name="ChromaMatch_Model",
        model_version=version,
        engine_code="abc",
    )
    analysis.refresh_from_db()
    return analysis


def _rerun(client, *analyses):
    return client.post(
        CHANGELIST,
        {"action": "rerun", "_selected_action": [a.pk for a in analyses]},
        follow=True,
    )


def _listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.text)]


def test_it_lists_thumbnail_status_model_version_owner_and_queued_time(staff_client):
    owner = UserFactory(email="ada@example.com")
    analysis = _finished(owner, version="7")

    page = staff_client.get(CHANGELIST).content.decode()

    assert f'src="/admin/analysis/analysis/{analysis.pk}/thumbnail.jpg"' in page
    assert "ada@example.com" in page
    assert 'class="field-status">Done<' in page
    assert 'class="field-model_version">7<' in page
    assert "field-queued_at" in page


def test_its_change_page_shows_the_photo_and_the_result_as_indented_json(staff_client):
    analysis = _finished(UserFactory(), version="7")

    page = staff_client.get(f"{CHANGELIST}{analysis.pk}/change/").content.decode()

    assert f'src="/admin/analysis/analysis/{analysis.pk}/thumbnail.jpg"' in page
    shown = re.search(r'<pre class="analysis-result">(.*?)</pre>', page, re.S).group(1)
    assert json.loads(html.unescape(shown)) == analysis.result
    assert '\n  "skin": {' in html.unescape(shown)


def test_its_change_page_shows_the_stored_drape_to_staff_only(staff_client, client):
    owner = UserFactory()
    analysis = _finished(owner, version="7")
    change = f"{CHANGELIST}{analysis.pk}/change/"
    assert "not drawn" in staff_client.get(change).content.decode()
    picture = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 40, 60)).save(picture, format="PNG")
    analysis.drape.save("drape.png", ContentFile(picture.getvalue()))
    url = f"/admin/analysis/analysis/{analysis.pk}/drape.png"

    page = staff_client.get(change).content.decode()
    served = staff_client.get(url)

    assert f'<img src="{url}"' in page
    assert served["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= set(served["Cache-Control"].split(", "))
    assert Image.open(io.BytesIO(served.content)).size == (30, 20)
    client.force_login(owner)  # the owner, but not staff
    refused = client.get(url)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")


def test_it_filters_by_status_and_model_version(staff_client, user):
    old = _finished(user, version="6")
    new = _finished(user, version="7")
    failed = _finished(user, version="7", ok=False)

    by_status = staff_client.get(CHANGELIST, {"status__exact": "failed"})
    by_version = staff_client.get(CHANGELIST, {"model_version": "7"})

    assert _listed_ids(by_status) == [failed.pk]
    assert sorted(_listed_ids(by_version)) == sorted([new.pk, failed.pk])
    assert old.pk not in _listed_ids(by_version)


def test_it_searches_by_owner_email_and_by_id(staff_client):
    ada = _finished(UserFactory(email="ada@example.com"), version="7")
    bo = _finished(UserFactory(email="bo@example.com"), version="7")

    assert _listed_ids(staff_client.get(CHANGELIST, {"q": "ada@"})) == [ada.pk]
    assert _listed_ids(staff_client.get(CHANGELIST, {"q": str(bo.pk)})) == [bo.pk]


def test_it_serves_small_thumbnails_to_staff_only(staff_client, client, user):
    analysis = _finished(user, version="7")
    url = f"/admin/analysis/analysis/{analysis.pk}/thumbnail.jpg"

    response = staff_client.get(url)
    client.force_login(user)  # the owner, but not staff
    refused = client.get(url)

    assert response["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(response.content)).size) <= 96
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")


def test_it_resets_the_selected_analyses_and_queues_them(
    staff_client, user, django_capture_on_commit_callbacks
):
    chosen = _finished(user, version="6")
    other = _finished(user, version="6")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _rerun(staff_client, chosen)

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert "Queued 1 analyses for the production model" in response.content.decode()
    assert chosen.status == Analysis.Status.PENDING
    assert (chosen.result, chosen.error, chosen.drape.name) == (None, None, "")
    assert (chosen.model_version, chosen.engine_code, chosen.attempts) == ("", "", 0)
    assert other.status == Analysis.Status.DONE
    assert len(callbacks) == 2  # the old drape's deletion and the queuing


def test_it_leaves_analyses_whose_photo_was_purged(staff_client, user):
    analysis = _finished(user, version="6")
    Selfie.objects.filter(pk=analysis.selfie_id).update(image="")

    response = _rerun(staff_client, analysis)

    analysis.refresh_from_db()
    assert "1 could not run again: their photos were deleted" in response.content.decode()
    assert analysis.status == Analysis.Status.DONE
    assert analysis.model_version == "6"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_reruns_on_the_model_a_real_worker_serves(
    celery_worker_process, staff_client, shared_faces
):
    owner = UserFactory()
    analysis = wait_finished(
        services.analysis_create(owner=owner, data=development_photo(shared_faces))
    )
    served_version = analysis.model_version
    Analysis.objects.filter(pk=analysis.pk).update(model_version="0", result={"ok": True})

    _rerun(staff_client, analysis)

    analysis = wait_finished(analysis)
    assert analysis.status == Analysis.Status.DONE
    assert analysis.model_version == served_version
    assert analysis.result["season"]["label"]


def test_it_counts_each_users_analyses(staff_client):
    ada = UserFactory(email="ada@example.com")
    for _ in range(3):
        services.analysis_create(owner=ada, data=no_face_jpeg())
    UserFactory(email="bo@example.com")

    page = staff_client.get("/admin/accounts/user/").content.decode()

    row = re.search(r"<tr>.*?ada@example\.com.*?</tr>", page, re.S).group(0)
    assert 'class="field-analyses_count">3<' in row
    bo_row = re.search(r"<tr>.*?bo@example\.com.*?</tr>", page, re.S).group(0)
    assert 'class="field-analyses_count">0<' in bo_row


def test_deleting_in_the_admin_removes_the_photos_as_the_persons_own_delete_does(
    staff_client, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    owner, other = UserFactory(), UserFactory()
    one = _finished(owner, version="1")
    two = _finished(owner, version="1")
    theirs = _finished(other, version="1")
    photos = {a.pk: a.selfie.image.name for a in (one, two, theirs)}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"{CHANGELIST}{one.pk}/delete/", {"post": "yes"})
    assert not default_storage.exists(photos[one.pk])
    assert default_storage.exists(photos[two.pk])

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/accounts/user/{owner.pk}/delete/", {"post": "yes"})
    assert not default_storage.exists(photos[two.pk])
    assert not Selfie.objects.filter(owner=owner).exists()
    assert default_storage.exists(photos[theirs.pk])  # someone else's stays

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST,
            {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"},
        )
    assert not default_storage.exists(photos[theirs.pk])
    assert not Analysis.objects.exists()


def test_a_rerun_leaves_the_owners_history_in_the_order_the_photos_were_sent(
    staff_client, user, client
):
    older = _finished(user, version="6")
    newer = _finished(user, version="6")
    sent = older.selfie.created

    _rerun(staff_client, older)

    client.force_login(user)
    listed = client.get("/api/analyses/").json()["results"]
    assert [item["id"] for item in listed] == [newer.pk, older.pk]
    assert listed[1]["created"] == sent.isoformat().replace("+00:00", "Z")
