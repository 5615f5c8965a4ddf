from django.core.management.base import BaseCommand

from bearing.insight.services import instruments_sync


class Command(BaseCommand):
    help = "Load instrument files (bearing/insight/data/instruments) not yet in the database."

    def handle(self, *args, **options):
        added = instruments_sync()
        self.stdout.write(f"{added} instrument version(s) added.")
