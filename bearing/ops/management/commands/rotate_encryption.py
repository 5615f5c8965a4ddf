from django.core.management.base import BaseCommand, CommandError

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib import crypto
from bearing.lib.rotation import keys_in_use, rotate_all, values_not_under_data_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every confidential value under the current (first) key in "
        "BEARING_ENCRYPTION_KEYS. With --check, only report what is still under older keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, check: bool, batch_size: int, **options):
        current = crypto.keyring().current_id
        if check:
            counts = keys_in_use()
            old = {kid: n for kid, n in counts.items() if kid != current}
            for kid, n in sorted(counts.items()):
                marker = " (current)" if kid == current else ""
                self.stdout.write(f"{kid}{marker}: {n} values")
            if old:
                raise CommandError(f"{sum(old.values())} values are still under older keys.")
            direct = values_not_under_data_keys()
            if direct:
                raise CommandError(
                    f"{direct} values are not yet under a data key (erasure cannot reach them "
                    "in backups): run rotate_encryption."
                )
            self.stdout.write("Every value is under the current key.")
            return
        changed = rotate_all(batch_size=batch_size)
        audit_record(action=AuditAction.KEY_ROTATION, count=changed, kind=current)
        self.stdout.write(f"Re-encrypted {changed} values and data keys under key {current}.")
