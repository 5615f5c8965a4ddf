import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bearing.audit import chain
from bearing.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed chain, every lane of it. With --checkpoint FILE (from "
        "audit_checkpoint) also check that no lane was cut back past that checkpoint."
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
            lane = f" in lane {report.lane}" if report.lane is not None else ""
            raise CommandError(
                f"Audit chain broken{where}{lane}: {report.reason} "
                f"({report.checked} verified before)"
            )
        lanes = sum(1 for head in report.lanes.values() if head.count)
        against = ""
        if checkpoint:
            marks = chain.checkpoint_lanes(checkpoint)
            held = sum(int(mark["count"]) for mark in marks.values())
            against = f", including the checkpoint's {held} entries in {len(marks)} lane(s)"
        self.stdout.write(
            f"Audit chain verified: {report.checked} entries in {lanes} lane(s){against}."
        )
