from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bearing.lib.backup import BackupError, key_locations, restore_read


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (one that was "
        "only migrated counts as empty). Stop the web server and the task workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty.",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--keys", help="The data keys file (default: BEARING_DATA_KEYS_BACKUP)."
        )

    def handle(
        self, *args: Any, path: str, force: bool, database: str, keys: str | None, **options: Any
    ) -> None:
        try:
            report = restore_read(
                Path(path), using=database, force=force, keys=Path(keys) if keys else None
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored {report.path} ({report.engine}, {report.tables} tables).")
        )
        self.stdout.write(f"Data keys put back from the keys file: {report.data_keys}.")
        self.stdout.write(
            "The backup did not hold the keys: this installation needs the same encryption keys "
            "and audit key as the one that made it:"
        )
        for where in key_locations():
            self.stdout.write(f"  {where}")
        self.stdout.write(
            "Next: `manage.py migrate` if this Bearing is newer than the backup, then "
            "`manage.py audit_verify`."
        )
