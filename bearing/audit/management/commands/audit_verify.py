from django.core.management.base import BaseCommand, CommandError

from bearing.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify that the audit log's hash chain is unbroken."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            where = f" at entry {report.broken_at}" if report.broken_at else ""
            raise CommandError(
                f"Audit chain broken{where}: {report.reason} ({report.checked} verified before)"
            )
        self.stdout.write(f"Audit chain verified: {report.checked} entries.")
