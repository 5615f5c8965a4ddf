"""PostgreSQL's connection settings from the environment: one persistent connection per
process by default (measured in docs/bench/db-connections.md), a psycopg pool on
DB_POOL=1, a new connection per request on DB_CONN_MAX_AGE=0."""

from __future__ import annotations

import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from bearing import settings as bearing_settings

URL = "postgres://bearing:secret@db.internal:5433/bearing"


def database(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DB_POOL", "DB_CONN_MAX_AGE"}}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return bearing_settings._database_from_url(URL)


class DatabaseConnectionSettingsTests(SimpleTestCase):
    def test_the_default_is_one_persistent_connection_per_process(self):
        db = database()
        self.assertEqual(db["CONN_MAX_AGE"], 60)
        self.assertTrue(db["CONN_HEALTH_CHECKS"])
        self.assertNotIn("pool", db["OPTIONS"])
        self.assertEqual((db["HOST"], db["PORT"], db["NAME"]), ("db.internal", "5433", "bearing"))

    def test_a_new_connection_per_request_when_asked(self):
        self.assertEqual(database(DB_CONN_MAX_AGE="0")["CONN_MAX_AGE"], 0)

    def test_db_pool_turns_the_psycopg_pool_on_without_persistent_connections(self):
        db = database(DB_POOL="1", DB_CONN_MAX_AGE="60")
        self.assertEqual(db["OPTIONS"], {"pool": True})
        # Django refuses a pool together with persistent connections.
        self.assertEqual(db["CONN_MAX_AGE"], 0)

    def test_a_mistyped_db_pool_stops_the_start(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "DB_POOL"):
            database(DB_POOL="maybe")
