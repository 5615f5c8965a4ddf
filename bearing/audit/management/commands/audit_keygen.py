from django.core.management.base import BaseCommand

from bearing.audit.chain import generate_key


class Command(BaseCommand):
    help = "Print a new audit key for BEARING_AUDIT_KEY (keep it apart from the database)."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
