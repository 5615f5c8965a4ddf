import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bearing.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed chain. With --checkpoint FILE (from audit_checkpoint) "
        "also check that no entry up to that checkpoint was cut off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", type=Path, help="A file written by audit_checkpoint.")

    def handle(self, *args, **options):
        checkpoint = None
        if options["checkpoint"]:
            try:
                checkpoint = json.loads(options["checkpoint"].read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoint: {exc}") from exc
        report = audit_verify_chain(checkpoint=checkpoint)
        if not report.ok:
            where = f" at entry {report.broken_at}" if report.broken_at else ""
            raise CommandError(
                f"Audit chain broken{where}: {report.reason} ({report.checked} verified before)"
            )
        against = f", including checkpoint entry {checkpoint['entry_id']}" if checkpoint else ""
        self.stdout.write(f"Audit chain verified: {report.checked} entries{against}.")
