"""The embedded database under two writers: the worker storing a result while a person signs
up. SQLite's defaults refused the second writer at once ("database is locked"), which the API
answered with 503."""

import sqlite3
import threading
import time

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL locks rows"
    ),
]


def test_a_signup_waits_for_another_writer_instead_of_failing(api_client):
    held, release = threading.Event(), threading.Event()

    def other_writer():
        # Another process's connection (the worker's), holding the write lock for a while.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE django_migrations SET name = name WHERE id = 1")
        held.set()
        release.wait(5)
        other.commit()
        other.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert held.wait(5)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    response = api_client.post(
        "/api/auth/signup",
        {"email": "queue@example.com", "password": "plum-velvet-harbour-7", "consent": True},
        format="json",
    )
    writer.join()

    assert response.status_code == 201, response.content
    assert time.monotonic() - started >= 0.9  # it waited for the lock, then wrote


def test_the_embedded_database_reads_while_another_connection_writes():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
