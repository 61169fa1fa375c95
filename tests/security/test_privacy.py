"""Privacy: deleting an account leaves nothing, a late task recreates nothing, logs hold no
photo bytes, EXIF or token. Figures: docs/reliability.md ("Privacy")."""

import logging
import pickle
import zlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as account_services
from analysis import services
from analysis.models import Analysis, Selfie
from tests.analysis.helpers import development_photo, no_face_jpeg
from tests.security.hostile_corpus import CAMERA_MAKER, real_photo_variants
from worker.model_loader import served_model
from worker.tasks import analyse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("mlflow_registry", "analyze_budget"),
]


def _upload(client, data: bytes) -> int:
    photo = SimpleUploadedFile("selfie.jpg", data, content_type="image/jpeg")
    response = client.post("/api/analyze", {"file": photo}, format="multipart")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def _rows_of(user_id: int) -> dict[str, int]:
    """Rows of every model that points at the user, directly or through a selfie."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if field.many_to_one or field.one_to_one:
                if target is not None and target._meta.label == settings.AUTH_USER_MODEL:
                    if field.concrete and (n := model.objects.filter(**{field.name: user_id})):
                        found[f"{model._meta.label}.{field.name}"] = n.count()
    if n := Analysis.objects.filter(selfie__owner_id=user_id).count():
        found["analysis.Analysis"] = n
    return found


def _cached_bytes() -> list[bytes]:
    """Every value in the cache, pickled, for the backends the project uses."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("FileBasedCache"):
        values = []
        for path in cache._list_cache_files():
            try:
                with open(path, "rb") as handle:
                    pickle.load(handle)  # noqa: S301 - the expiry time, in our own cache file
                    values.append(zlib.decompress(handle.read()))
            except (OSError, EOFError, zlib.error):
                continue  # removed or expired meanwhile
        return values
    if backend.endswith("RedisCache"):
        client = cache._cache.get_client()
        # The same Redis holds the Celery broker's lists and sets: only strings are cache values.
        return [
            client.get(key) or b"" for key in client.scan_iter() if client.type(key) == b"string"
        ]
    if backend.endswith("LocMemCache"):
        return list(cache._cache.values())
    pytest.skip(f"no way to list the values of {backend}")


@pytest.mark.parametrize("route", ["api", "page"])
def test_deleting_an_account_leaves_no_row_object_or_cached_value(
    route, auth_client, client, user, new_objects, django_capture_on_commit_callbacks
):
    from tests.factories import PASSWORD

    token = account_services.token_for(user=user)
    failed = _upload(auth_client, no_face_jpeg())
    analyse.apply(args=[failed])
    done = _upload(auth_client, no_face_jpeg())
    # A finished analysis with its draping picture, as its first request stores one.
    services.analysis_complete(
        analysis_id=done, result={"ok": True}, model_name="m", model_version="1"
    )
    Analysis.objects.get(pk=done).drape.save("drape.png", ContentFile(b"png"))
    assert len(new_objects()) == 3
    assert _rows_of(user.pk)

    with django_capture_on_commit_callbacks(execute=True):
        if route == "api":
            response = auth_client.delete("/api/account")
            assert response.status_code == 204
        else:
            client.force_login(user)
            response = client.post("/accounts/delete/", {"password": PASSWORD})
            assert response.status_code == 302

    assert _rows_of(user.pk) == {}
    assert not any(storage_exists(name) for name in new_objects())
    leaked = [v for v in _cached_bytes() if user.email.encode() in v or token.encode() in v]
    assert leaked == []


def storage_exists(name: str) -> bool:
    from django.core.files.storage import default_storage

    return default_storage.exists(name)


def test_a_pending_analysis_of_a_deleted_account_recreates_nothing(
    auth_client, user, new_objects, django_capture_on_commit_callbacks
):
    analysis_id = _upload(auth_client, no_face_jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_delete(user=user)

    assert analyse.apply(args=[analysis_id]).get() == "already finished or deleted"

    assert not Selfie.objects.filter(owner_id=user.pk).exists()
    assert not Analysis.objects.filter(pk=analysis_id).exists()
    assert not any(storage_exists(name) for name in new_objects())


def test_an_account_deleted_while_its_analysis_runs_gets_nothing_back(
    auth_client, user, shared_faces, new_objects, django_capture_on_commit_callbacks, monkeypatch
):
    analysis_id = _upload(auth_client, development_photo(shared_faces))
    loaded = served_model.current()
    predict = loaded.model.predict

    def delete_the_account_then_predict(model_input, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            account_services.account_delete(user=user)
        return predict(model_input, *args, **kwargs)

    monkeypatch.setattr(loaded.model, "predict", delete_the_account_then_predict)

    assert analyse.apply(args=[analysis_id]).get() == "done"  # the model did answer

    assert _rows_of(user.pk) == {}
    assert not Analysis.objects.filter(pk=analysis_id).exists()
    assert not any(storage_exists(name) for name in new_objects())  # nothing written late


def _assert_clean(text: str, *secrets: str) -> None:
    assert "\\xff\\xd8" not in text and "ÿØ" not in text, "JPEG bytes in the logs"
    assert CAMERA_MAKER not in text, "EXIF in the logs"
    assert "Exif" not in text, "EXIF in the logs"
    for secret in secrets:
        assert secret not in text, "a token in the logs"


def test_the_logs_of_a_whole_journey_hold_no_photo_exif_or_token(api_client, caplog, shared_faces):
    photos = real_photo_variants(development_photo(shared_faces))
    caplog.set_level(logging.DEBUG)
    signup = api_client.post(
        "/api/auth/signup",
        {"email": "log@example.com", "password": "plum-velvet-harbour-7", "consent": True},
        format="json",
    )
    token = signup.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    ids = [_upload(api_client, photos[name]) for name in ("jpeg-exif-gps", "heic-exif-gps")]
    for analysis_id in ids:
        analyse.apply(args=[analysis_id])
        assert api_client.get(f"/api/analyses/{analysis_id}").status_code == 200
    api_client.post("/api/analyze", {"file": "not a file"}, format="multipart")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token[:-1]}x")  # a wrong token
    api_client.get("/api/account")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.delete("/api/account")

    assert caplog.records  # the capture did see the journey
    _assert_clean(caplog.text, token, token[:-1])


def test_a_model_that_fails_with_the_photo_in_its_message_logs_a_short_line(
    auth_client, user, caplog, monkeypatch
):
    photo = real_photo_variants(no_face_jpeg())["jpeg-exif-gps"]
    analysis_id = _upload(auth_client, photo)
    loaded = served_model.current()

    def schema_error(model_input, *args, **kwargs):
        # What MLflow's schema enforcement says: the offending input, bytes and all.
        raise ValueError(f"Failed to enforce schema of data {model_input!r} with {photo!r}")

    monkeypatch.setattr(loaded.model, "predict", schema_error)
    caplog.set_level(logging.DEBUG)

    assert analyse.apply(args=[analysis_id]).get() == "model_error"

    analysis = Analysis.objects.get(pk=analysis_id)
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error["code"] == "model_error"
    _assert_clean(caplog.text, account_services.token_for(user=user))
    failures = [r for r in caplog.records if r.name == "worker.tasks"]
    assert [r.getMessage() for r in failures] == [
        f"analysis {analysis_id}: model version {loaded.version} failed with ValueError"
    ]
    assert all(r.exc_info is None for r in caplog.records)
