import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bearing.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of every audit lane's head (entry id, MAC, count). Keep it "
        "outside the database; `audit_verify --checkpoint FILE` then detects truncation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Write here instead of to stdout.")

    def handle(self, *args, **options):
        try:
            document = json.dumps(audit_checkpoint(), sort_keys=True)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = options["output"]
        if path is None:
            self.stdout.write(document)
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(document + "\n")
        self.stdout.write(f"Checkpoint written to {path}.")
