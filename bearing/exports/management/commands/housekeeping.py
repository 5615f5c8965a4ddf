from typing import Any

from django.core.management.base import BaseCommand

from bearing.exports.tasks import housekeeping_tick


class Command(BaseCommand):
    help = (
        "Carry out erasures whose grace period is over, dispose of engagements' records at "
        "the end of the period their agreements keep them, and delete expired exports. "
        "`runall` does this every ten minutes; run it from cron (hourly) otherwise."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = housekeeping_tick.call()
        self.stdout.write(
            f"Erasures carried out: {done['erased']}; engagements' records disposed of: "
            f"{done['disposed']}; expired exports deleted: {done['expired_exports']}."
        )
