"""The draping picture is drawn on its first request, stored, then served as stored.

The API and the page share one service (analysis.services.analysis_drape); these tests go
through the API unless the page is the point.
"""

import copy
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404

from analysis import services
from analysis.models import Analysis
from chromamatch.analysis import analyze
from chromamatch.errors import AnalysisError
from tests.analysis.helpers import development_photo
from worker.tasks import analyse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def engine_output(shared_faces):
    photo = development_photo(shared_faces)
    return photo, analyze(photo)


@pytest.fixture
def done(user, engine_output, new_objects) -> Analysis:
    """A finished analysis as the worker leaves it: a result, no picture yet."""
    photo, result = engine_output
    analysis = services.analysis_create(owner=user, data=photo)
    services.analysis_complete(
        analysis_id=analysis.pk,
        result=copy.deepcopy(result),
        model_name="ChromaMatch_Model",
        model_version="3",
    )
    analysis.refresh_from_db()
    assert new_objects() == {analysis.selfie.image.name}
    return analysis


@pytest.fixture
def draws(monkeypatch):
    """The pictures drawn, counted; ``draws.before_return`` runs once inside the next one."""

    class Draws(list):
        before_return = None

    drawn = Draws()
    draw = services.photo_drape_png

    def counted(*args, **kwargs):
        png = draw(*args, **kwargs)
        drawn.append(png)
        if drawn.before_return:
            step, drawn.before_return = drawn.before_return, None
            step()
        return png

    monkeypatch.setattr(services, "photo_drape_png", counted)
    return drawn


def _url(analysis: Analysis) -> str:
    return f"/api/analyses/{analysis.pk}/drape.png"


def _png(response) -> bytes:
    """The picture a response gives: streamed, or (pages on S3) behind a signed URL."""
    if response.status_code == 302:
        signed = requests.get(response["Location"], timeout=10)
        assert signed.status_code == 200 and signed.headers["Content-Type"] == "image/png"
        return signed.content
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    return b"".join(response.streaming_content)


def _stored(new_objects, folder: str = "drapes/") -> set[str]:
    """The test's objects still stored (draping pictures unless told)."""
    return {n for n in new_objects() if n.startswith(folder) and default_storage.exists(n)}


@pytest.mark.usefixtures("mlflow_registry")
def test_the_analysis_itself_draws_no_picture(user, shared_faces, new_objects):
    analysis = services.analysis_create(owner=user, data=development_photo(shared_faces))

    assert analyse.apply(args=[analysis.pk]).get() == "done"

    analysis.refresh_from_db()
    assert not analysis.drape
    assert _stored(new_objects) == set()


def test_the_first_request_draws_and_stores_the_picture(auth_client, done, draws, new_objects):
    png = _png(auth_client.get(_url(done)))

    done.refresh_from_db()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(draws) == 1
    assert _stored(new_objects) == {done.drape.name}
    with default_storage.open(done.drape.name, "rb") as handle:
        assert handle.read() == png


def test_later_requests_serve_the_stored_picture_without_drawing_again(
    auth_client, client, user, done, draws, new_objects
):
    first = _png(auth_client.get(_url(done)))
    again = _png(auth_client.get(_url(done)))
    client.force_login(user)
    page = _png(client.get(f"/analyses/{done.pk}/drape.png"))

    assert len(draws) == 1
    assert first == again == page
    assert len(_stored(new_objects)) == 1


def test_the_page_draws_it_too_and_the_api_then_serves_it(auth_client, client, user, done, draws):
    client.force_login(user)

    page = _png(client.get(f"/analyses/{done.pk}/drape.png"))

    assert _png(auth_client.get(_url(done))) == page
    assert len(draws) == 1


def test_two_first_requests_at_once_keep_one_picture(auth_client, done, draws, new_objects):
    # The second request arrives and finishes while the first is still drawing.
    answers = []
    draws.before_return = lambda: answers.append(_png(auth_client.get(_url(done))))

    first = _png(auth_client.get(_url(done)))

    done.refresh_from_db()
    assert len(draws) == 2
    assert first == answers[0]
    assert _stored(new_objects) == {done.drape.name}


def test_a_purged_photo_answers_404_with_what_happened(auth_client, done, draws):
    done.selfie.image.delete(save=True)

    response = auth_client.get(_url(done))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_drape"
    assert "deleted after the retention period" in response.json()["error"]["message"]
    assert draws == []


def test_a_photo_purged_while_its_picture_is_drawn_keeps_no_picture(
    auth_client, done, draws, django_capture_on_commit_callbacks, new_objects
):
    def purge():
        with django_capture_on_commit_callbacks(execute=True):
            assert services.selfies_purge_images(older_than=timedelta(0)) == 1

    draws.before_return = purge

    response = auth_client.get(_url(done))

    done.refresh_from_db()
    assert response.status_code == 404
    assert "deleted after the retention period" in response.json()["error"]["message"]
    assert not done.drape and not done.selfie.image
    assert _stored(new_objects) == set()


def test_an_analysis_deleted_while_its_picture_is_drawn_leaves_nothing(
    auth_client, done, draws, django_capture_on_commit_callbacks, new_objects
):
    def delete():
        with django_capture_on_commit_callbacks(execute=True):
            services.analysis_delete(analysis=Analysis.objects.get(pk=done.pk))

    draws.before_return = delete

    response = auth_client.get(_url(done))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert _stored(new_objects, "") == set()  # neither the picture nor the selfie


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite has no row locks; CI's PostgreSQL run has them",
)
@pytest.mark.django_db(transaction=True)
def test_a_deletion_reading_its_files_while_the_picture_is_drawn_leaves_no_picture(
    done, draws, new_objects, monkeypatch
):
    # The deletion, in its own transaction, has read the names of the files to delete when
    # the picture is to be kept: keeping it waits for the deletion and then finds no row.
    names_read = threading.Event()
    read_names = services._stored_files

    def read_then_linger(analyses):
        names = read_names(analyses)
        names_read.set()
        time.sleep(0.5)
        return names

    monkeypatch.setattr(services, "_stored_files", read_then_linger)

    def delete():
        try:
            services.analysis_delete(analysis=Analysis.objects.get(pk=done.pk))
        finally:
            connection.close()

    deletion = threading.Thread(target=delete)
    draws.before_return = lambda: (deletion.start(), names_read.wait(10))

    with pytest.raises(Http404):
        services.analysis_drape(analysis=done)

    deletion.join(10)
    assert not Analysis.objects.filter(pk=done.pk).exists()
    assert _stored(new_objects, "") == set()


def test_an_analysis_run_again_while_its_picture_is_drawn_keeps_no_old_picture(
    auth_client, done, draws, django_capture_on_commit_callbacks, new_objects
):
    def rerun():
        with django_capture_on_commit_callbacks(execute=False):  # not queued: stays pending
            services.analyses_rerun(analyses=[done])

    draws.before_return = rerun

    response = auth_client.get(_url(done))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_ready"
    assert _stored(new_objects) == set()


def test_deleting_the_analysis_deletes_its_drawn_picture(
    auth_client, done, django_capture_on_commit_callbacks, new_objects
):
    _png(auth_client.get(_url(done)))
    done.refresh_from_db()
    assert default_storage.exists(done.drape.name)

    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(f"/api/analyses/{done.pk}").status_code == 204

    assert not default_storage.exists(done.drape.name)
    assert _stored(new_objects) == set()


def test_a_face_not_found_again_answers_404_with_the_reason(
    auth_client, done, monkeypatch, new_objects
):
    def no_face(*args, **kwargs):
        raise AnalysisError("no_face")

    monkeypatch.setattr(services, "photo_drape_png", no_face)

    response = auth_client.get(_url(done))

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "no_drape"
    assert error["message"].startswith("The draping picture could not be drawn from this photo")
    assert _stored(new_objects) == set()


def test_a_client_asking_for_image_png_gets_the_picture(auth_client, done):
    # The picture is what the client asked for; DRF's negotiation knew only JSON and said 406.
    response = auth_client.get(_url(done), HTTP_ACCEPT="image/png")

    assert _png(response).startswith(b"\x89PNG")
