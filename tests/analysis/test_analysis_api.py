"""Reading, listing, deleting analyses, their drape and colour checks; owners only."""

import pytest
from django.core.files.storage import default_storage

from accounts import services as account_services
from analysis import services
from analysis.models import Analysis, Selfie
from chromamatch.cover_ups import measured_photo, with_mask
from chromamatch.image_loading import encode_jpeg, load_image
from tests.analysis.helpers import development_photo, no_face_jpeg
from tests.factories import UserFactory
from worker.tasks import analyse


def _on_commit():
    """Run on_commit callbacks (file deletions) inside the test's transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]


def _analysed(owner, data: bytes) -> Analysis:
    analysis = services.analysis_create(owner=owner, data=data)
    analyse.apply(args=[analysis.pk])
    analysis.refresh_from_db()
    return analysis


@pytest.fixture
def done(user, shared_faces) -> Analysis:
    analysis = _analysed(user, development_photo(shared_faces))
    assert analysis.status == Analysis.Status.DONE
    return analysis


def test_the_owner_reads_a_finished_analysis(auth_client, done):
    body = auth_client.get(f"/api/analyses/{done.pk}").json()

    assert body["id"] == done.pk
    assert body["status"] == "done"
    assert body["result"]["season"]["label"]
    assert body["model"]["version"] == done.model_version
    assert body["created"] and body["finished"]


def test_the_list_holds_only_the_callers_analyses_newest_first(auth_client, user):
    mine = [services.analysis_create(owner=user, data=no_face_jpeg()) for _ in range(3)]
    services.analysis_create(owner=UserFactory(), data=no_face_jpeg())

    body = auth_client.get("/api/analyses/").json()

    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [a.pk for a in reversed(mine)]


def _with_drape(client, analysis: Analysis) -> Analysis:
    """The analysis after its draping picture was drawn (on its first request) and stored."""
    assert client.get(f"/api/analyses/{analysis.pk}/drape.png").status_code == 200
    analysis.refresh_from_db()
    return analysis


def test_delete_removes_the_rows_and_every_stored_picture(auth_client, done):
    done = _with_drape(auth_client, done)
    names = [done.selfie.image.name, done.drape.name]
    assert all(default_storage.exists(name) for name in names)

    with _on_commit() as callbacks:
        response = auth_client.delete(f"/api/analyses/{done.pk}")

    assert response.status_code == 204
    assert callbacks
    assert not Analysis.objects.filter(pk=done.pk).exists()
    assert not Selfie.objects.filter(pk=done.selfie_id).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_account_deletion_leaves_no_row_and_no_stored_picture(auth_client, user, done):
    done = _with_drape(auth_client, done)
    second = _analysed(user, no_face_jpeg())
    names = [done.selfie.image.name, done.drape.name, second.selfie.image.name]
    user_id = user.pk

    with _on_commit():
        account_services.account_delete(user=user)

    assert not Selfie.objects.filter(owner_id=user_id).exists()
    assert not Analysis.objects.filter(selfie__owner_id=user_id).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_drape_png_of_a_failed_analysis_is_a_clear_404(auth_client, user):
    failed = _analysed(user, no_face_jpeg())

    response = auth_client.get(f"/api/analyses/{failed.pk}/drape.png")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_drape"


def test_a_selfie_in_a_face_mask_fails_saying_what_to_do(auth_client, user, shared_faces):
    _, picture, landmarks = measured_photo(development_photo(shared_faces))
    masked = _analysed(user, encode_jpeg(with_mask(picture, landmarks), quality=92))

    error = auth_client.get(f"/api/analyses/{masked.pk}").json()["error"]

    assert masked.status == Analysis.Status.FAILED
    assert error["code"] == "no_face"
    assert "cheeks look covered" in error["message"]


def test_a_squeezed_selfie_is_stored_as_squeezed_and_warned(auth_client, user, shared_faces):
    # The stored copy is re-encoded (no metadata); at the site's own quality it would hide how
    # squeezed the upload was from the engine.
    original = development_photo(shared_faces)
    squeezed = encode_jpeg(load_image(original).rgb, quality=40)

    analysis = _analysed(user, squeezed)
    kept = _analysed(user, original)

    result = auth_client.get(f"/api/analyses/{analysis.pk}").json()["result"]
    assert "heavily_compressed" in result["quality"]["warnings"]
    with analysis.selfie.image.open("rb") as stored:
        assert load_image(stored.read()).jpeg_quality == pytest.approx(40, abs=1)
    assert "heavily_compressed" not in kept.result["quality"]["warnings"]
    with kept.selfie.image.open("rb") as stored:
        assert load_image(stored.read()).jpeg_quality == pytest.approx(92, abs=1)


def test_drape_png_before_the_analysis_finished_is_409(auth_client, user):
    pending = services.analysis_create(owner=user, data=no_face_jpeg())

    response = auth_client.get(f"/api/analyses/{pending.pk}/drape.png")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_ready"


def test_color_check_scores_a_colour_against_the_latest_analysis(auth_client, done):
    best = done.result["palette"]["best"][0]
    avoid = done.result["palette"]["avoid"][0]

    good = auth_client.post("/api/color-check", {"hex": best}, format="json").json()
    bad = auth_client.post("/api/color-check", {"hex": avoid}, format="json").json()

    assert good["analysis"] == done.pk
    assert good["score"] > bad["score"]
    assert good["why"] and bad["why"]


@pytest.mark.parametrize("payload", [{"hex": "blue"}, {"hex": "#12345"}, {}, {"hex": 123}])
def test_color_check_refuses_a_malformed_colour(auth_client, done, payload):
    response = auth_client.post("/api/color-check", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_color_check_without_any_finished_analysis_says_what_to_do(auth_client):
    response = auth_client.post("/api/color-check", {"hex": "#336699"}, format="json")

    assert response.status_code == 409
    assert "Analyse a selfie first" in response.json()["error"]["message"]


def test_every_object_route_answers_404_to_another_user(api_client, done):
    from rest_framework.authtoken.models import Token

    stranger = UserFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=stranger)}")
    routes = [
        ("get", f"/api/analyses/{done.pk}", None),
        ("delete", f"/api/analyses/{done.pk}", None),
        ("get", f"/api/analyses/{done.pk}/drape.png", None),
        ("post", "/api/color-check", {"hex": "#336699", "analysis": done.pk}),
    ]

    for method, path, payload in routes:
        response = getattr(api_client, method)(path, payload, format="json")
        assert response.status_code == 404, (method, path)
        assert str(done.result["skin"]["hex"]) not in response.content.decode()
    assert Analysis.objects.filter(pk=done.pk).exists()


def _conforms(schema: dict, component: str, body: dict) -> None:
    """Raises when ``body`` breaks the OpenAPI ``component`` (OpenAPI 3.0: ``nullable``)."""
    from openapi_schema_validator import OAS30Validator

    resolver_schema = {
        **schema["components"]["schemas"][component],
        "components": schema["components"],
    }
    OAS30Validator(resolver_schema).validate(body)


def test_pending_finished_and_listed_analyses_match_the_published_schema(auth_client, user, done):
    # A pending analysis has "finished": null, which the schema declared a required date-time.
    schema = auth_client.get("/api/schema/?format=json").json()
    pending = services.analysis_create(owner=user, data=no_face_jpeg())

    pending_body = auth_client.get(f"/api/analyses/{pending.pk}").json()
    assert pending_body["finished"] is None
    _conforms(schema, "AnalysisOutput", pending_body)
    _conforms(schema, "AnalysisOutput", auth_client.get(f"/api/analyses/{done.pk}").json())
    for item in auth_client.get("/api/analyses/").json()["results"]:
        _conforms(schema, "AnalysisOutput", item)
    failed = _analysed(user, no_face_jpeg())
    assert failed.status == Analysis.Status.FAILED
    failed_body = auth_client.get(f"/api/analyses/{failed.pk}").json()
    assert failed_body["error"]["code"] == "no_face"
    _conforms(schema, "AnalysisOutput", failed_body)
    # The payloads are described, not left free-form.
    properties = schema["components"]["schemas"]["AnalysisOutput"]["properties"]
    assert properties["error"]["required"] == ["code", "message"]
    assert properties["result"]["type"] == "object" and properties["result"]["description"]
