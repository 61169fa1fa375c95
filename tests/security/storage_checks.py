"""What the security tests check in stored pictures: nothing but pixels."""

import io

from django.core.files.storage import default_storage
from PIL import Image

from tests.security.hostile_corpus import MARKERS


def stored_names(folder: str) -> set[str]:
    """Every object under ``folder`` in the default storage (local disk or S3), recursively."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    names = {f"{folder}/{name}" for name in files}
    for sub in folders:
        names |= stored_names(f"{folder}/{sub}")
    return names


def user_objects(user_id: int) -> set[str]:
    return stored_names(f"selfies/{user_id}") | stored_names(f"drapes/{user_id}")


def metadata_found(name: str) -> list[str]:
    """What a stored picture still carries besides pixels (empty when it is clean)."""
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    found = [repr(marker) for marker in MARKERS if marker in data]
    image = Image.open(io.BytesIO(data))
    if image.getexif():
        found.append(f"EXIF tags {sorted(image.getexif())}")
    found += [
        f"info[{key!r}]" for key in ("exif", "xmp", "comment", "icc_profile") if key in image.info
    ]
    if image.format == "PNG":
        found += [f"PNG text {key!r}" for key in getattr(image, "text", {})]
    return found
