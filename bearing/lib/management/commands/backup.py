from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bearing.lib.backup import KEYS_NOTE, BackupError, backup_write, default_path, key_locations


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file (SQLite: online backup; PostgreSQL: pg_dump "
        "custom format) while Bearing keeps running. The keys are not in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="Where to write it (default: a new file under var/backups/)."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, path: str, database: str, **options: Any) -> None:
        target = Path(path) if path else default_path(database)
        try:
            report = backup_write(target, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {report.path} ({report.engine}, {report.tables} tables, "
                f"{report.size / 1_048_576:.1f} MB)."
            )
        )
        self.stdout.write(f"Data keys ({report.data_keys}) written to {report.keys_path}.")
        self.stdout.write(KEYS_NOTE)
        for where in key_locations():
            self.stdout.write(f"  {where}")
