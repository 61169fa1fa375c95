"""Stored files (selfies, draping pictures, drift reports) removed with the rows naming them."""

from django.core.files.storage import default_storage
from django.db import transaction


def delete_on_commit(names: list[str]) -> None:
    """Remove stored files once the rows that name them are gone for good: a transaction
    rolled back keeps both."""
    names = [name for name in names if name]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
