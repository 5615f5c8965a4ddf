"""Backups of the whole database, and restoring one into an empty database.

SQLite: the online backup API copies a consistent snapshot of the live file (the web
server and the workers may keep writing) into a single self-contained file.
PostgreSQL: ``pg_dump --format=custom``; ``pg_restore`` replays it in one transaction,
so a restore that fails leaves the database as it was.

Neither holds the data keys (``lib.DataKey``): their rows are left out of the data
file and written to one keys file that each backup replaces
(``settings.DATA_KEYS_BACKUP``), from which an erasure removes the person's keys at
once. So an erasure reaches every earlier backup: its text is there, its key is not.

Neither holds the encryption keys or the audit key: they live apart from the
database on purpose, and must be backed up apart (without the encryption keys the
confidential text in a backup cannot be read; without the audit key the audit log
cannot be verified).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"

KEYS_NOTE = (
    "The backup does not hold the encryption keys, the data keys or the audit key. The data "
    "keys are in one keys file that every backup replaces; copy it over its last copy, never "
    "beside it (an erasure removes a person's keys from it). Back the keys up apart, "
    "somewhere other than the backups: without the encryption keys the confidential text "
    "in a backup cannot be read, and without the audit key the audit log cannot be verified."
)


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why, for an operator."""


DATA_KEY_TABLE = "lib_datakey"
DATA_KEY_COLUMNS = ("id", "kid", "scope", "wrapped", "created_at")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    tables: int
    size: int
    keys_path: Path
    data_keys: int


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    engine: str
    tables: int
    data_keys: int


def key_locations() -> list[str]:
    """Where this installation's keys are, to name them (never their values) in output."""
    where = []
    if settings.ENCRYPTION_KEYS:
        where.append("the encryption keys: BEARING_ENCRYPTION_KEYS")
    else:
        where.append(f"the encryption keys: {settings.ENCRYPTION_KEY_FILE}")
    if getattr(settings, "AUDIT_KEY", ""):
        where.append("the audit key: BEARING_AUDIT_KEY")
    elif getattr(settings, "AUDIT_KEY_FILE", None):
        where.append(f"the audit key: {settings.AUDIT_KEY_FILE}")
    return where


def default_path(using: str = "default") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    ext = "sqlite3" if connections[using].vendor == "sqlite" else "pgdump"
    return Path(settings.DATA_DIR) / "backups" / f"bearing-{stamp}.{ext}"


# --- What a database holds -------------------------------------------------------------


def bookkeeping_tables() -> set[str]:
    """Tables that a freshly migrated, never used installation already fills."""
    tables = {"django_migrations", "django_content_type", "auth_permission"}
    cache: dict[str, Any] = settings.CACHES.get("default", {})
    if cache.get("BACKEND", "").endswith("db.DatabaseCache"):
        tables.add(cache["LOCATION"])
    return tables


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def tables_with_data(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables (other than bookkeeping) that hold at least one row."""
    quote_name = connection.ops.quote_name
    skip = bookkeeping_tables()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in skip:
                continue
            cursor.execute(f"SELECT 1 FROM {quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return sorted(found)


def _writable_temp(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return tmp


# --- Backup ------------------------------------------------------------------------------


def backup_write(path: Path, *, using: str = "default") -> BackupReport:
    """Write a backup of the database to ``path`` (made readable by its owner only).
    The file appears whole or not at all."""
    connection = connections[using]
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new name.")
    tmp = _writable_temp(path)
    try:
        if connection.vendor == "sqlite":
            keys = _sqlite_backup(connection, tmp)
        elif connection.vendor == "postgresql":
            _pg_run(
                "pg_dump",
                connection,
                ["--format=custom", f"--exclude-table-data={DATA_KEY_TABLE}", "--file", str(tmp)],
            )
            # Read after the dump: every key a row in the dump can name is here.
            keys = _live_data_keys(connection)
        else:
            raise BackupError(f"Backups of {connection.vendor} are not supported.")
        keys_path = Path(settings.DATA_KEYS_BACKUP)
        with _keys_file_lock(keys_path):
            # Under the lock an erasure's edit also takes: a key destroyed since the
            # snapshot was read is left out, never written back after its erasure.
            live = set(
                apps.get_model("lib", "DataKey")
                ._default_manager.using(using)
                .values_list("kid", flat=True)
            )
            keys = [k for k in keys if k["kid"] in live]
            data_keys_write(keys_path, keys)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(
        path=path,
        engine=connection.vendor,
        tables=len(table_names(connection)),
        size=path.stat().st_size,
        keys_path=keys_path,
        data_keys=len(keys),
    )


# --- The data keys, kept apart -------------------------------------------------------------


def _live_data_keys(connection: BaseDatabaseWrapper) -> list[dict[str, Any]]:
    DataKey = apps.get_model("lib", "DataKey")
    return [
        {**row, "created_at": row["created_at"].isoformat()}
        for row in DataKey._default_manager.using(connection.alias)
        .order_by("pk")
        .values(*DATA_KEY_COLUMNS)
    ]


def data_keys_write(path: Path, keys: list[dict[str, Any]]) -> None:
    """Replace the keys file, whole or not at all, readable by its owner only."""
    tmp = _writable_temp(Path(path))
    try:
        tmp.write_text(json.dumps({"data_keys": keys}, indent=0))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def data_keys_read(path: Path) -> list[dict[str, Any]]:
    try:
        keys: list[dict[str, Any]] = json.loads(Path(path).read_text())["data_keys"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is not a Bearing keys file: {exc}") from exc
    return keys


def data_keys_forget(scopes: set[str]) -> int:
    """Remove destroyed keys from the keys file kept beside the backups, at once.
    Returns how many were removed (0 when there is no keys file)."""
    path = Path(settings.DATA_KEYS_BACKUP)
    if not scopes or not path.exists():
        return 0
    with _keys_file_lock(path):
        keys = data_keys_read(path)
        kept = [k for k in keys if k["scope"] not in scopes]
        if len(kept) != len(keys):
            data_keys_write(path, kept)
    return len(keys) - len(kept)


@contextmanager
def _keys_file_lock(path: Path) -> Iterator[None]:
    """One writer of the keys file at a time, across processes on this machine (a backup
    and an erasure's edit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _data_keys_load(connection: BaseDatabaseWrapper, path: Path) -> int:
    """Put the keys file's data keys back (those not already there). Returns the count."""
    DataKey = apps.get_model("lib", "DataKey")
    manager = DataKey._default_manager.using(connection.alias)
    present = set(manager.values_list("kid", flat=True))
    rows = [
        DataKey(**{**k, "created_at": datetime.fromisoformat(k["created_at"])})
        for k in data_keys_read(path)
        if k["kid"] not in present
    ]
    manager.bulk_create(rows, batch_size=500)
    if rows and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM lib_datakey))",
                [DATA_KEY_TABLE],
            )
    return len(rows)


def _sqlite_backup(connection: BaseDatabaseWrapper, tmp: Path) -> list[dict[str, Any]]:
    connection.ensure_connection()
    if connection.connection.in_transaction:
        # SQLite would wait forever for this connection's own transaction to end.
        raise BackupError("Cannot back up from inside a transaction.")
    target = sqlite3.connect(tmp)
    try:
        # One step (pages=-1): a consistent snapshot, while writers carry on in WAL mode.
        connection.connection.backup(target)
        # A single file, with no write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        keys = _sqlite_take_data_keys(target)
        _sqlite_check(target, tmp)
    finally:
        target.close()
    return keys


def _sqlite_take_data_keys(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Read the snapshot's data keys, then remove them from it for good: deleted with
    secure_delete and the file rebuilt, so no free page keeps their bytes."""
    if not db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [DATA_KEY_TABLE]
    ).fetchone():
        return []
    cols = ", ".join(DATA_KEY_COLUMNS)
    rows = db.execute(f"SELECT {cols} FROM {DATA_KEY_TABLE} ORDER BY id").fetchall()  # noqa: S608
    keys = [dict(zip(DATA_KEY_COLUMNS, row, strict=True)) for row in rows]
    for key in keys:  # as SQLite stores it: "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
        key["created_at"] = (
            datetime.fromisoformat(key["created_at"]).replace(tzinfo=UTC).isoformat()
        )
    db.execute("PRAGMA secure_delete=ON")
    db.execute(f"DELETE FROM {DATA_KEY_TABLE}")  # noqa: S608
    db.commit()
    db.execute("VACUUM")
    return keys


def _sqlite_check(db: sqlite3.Connection, path: Path) -> None:
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")
    if not db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
    ).fetchone():
        raise BackupError(f"{path} is an SQLite file, but not a Bearing database.")


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ}
    for var, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
        ("PGSSLMODE", s.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _pg_run(program: str, connection: BaseDatabaseWrapper, args: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} was not found; install PostgreSQL's client tools "
            "(apt-get install postgresql-client)."
        )
    connection.close()  # hold no lock of our own while the tool works
    done = subprocess.run(
        [executable, "--no-owner", "--no-privileges", *args],
        env=_pg_env(connection),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


# --- Restore -----------------------------------------------------------------------------


def backup_engine(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Bearing backup (neither SQLite nor pg_dump custom).")


def restore_read(
    path: Path, *, using: str = "default", force: bool = False, keys: Path | None = None
) -> RestoreReport:
    """Restore a backup into the database, which must be empty unless ``force``
    (a database that was only migrated counts as empty). Everything the backup
    holds replaces what the database held; then the data keys come back from the
    keys file (``keys``, or the one beside the backups), less any erased since."""
    connection = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    engine = backup_engine(path)
    if engine != connection.vendor:
        raise BackupError(
            f"{path} is a {engine} backup; this installation's database is {connection.vendor}."
        )
    if not force:
        holding = tables_with_data(connection)
        if holding:
            shown = ", ".join(holding[:5]) + (" …" if len(holding) > 5 else "")
            raise BackupError(
                f"The database is not empty ({len(holding)} tables hold data: {shown}). "
                "Restore into an empty database, or pass --force to replace everything in it."
            )
    if engine == "sqlite":
        _sqlite_restore(connection, path)
    else:
        _pg_run(
            "pg_restore",
            connection,
            [
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
        )
    keys_path = Path(keys or settings.DATA_KEYS_BACKUP)
    loaded = _data_keys_load(connection, keys_path) if keys_path.exists() else 0
    return RestoreReport(
        path=path, engine=engine, tables=len(table_names(connection)), data_keys=loaded
    )


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    source = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        _sqlite_check(source, path)
        connection.ensure_connection()
        if connection.connection.in_transaction:
            raise BackupError("Cannot restore inside a transaction.")
        # Page by page into the live database, under SQLite's own lock: other
        # connections see the old database or the restored one, never a mix.
        source.backup(connection.connection)
    finally:
        source.close()
