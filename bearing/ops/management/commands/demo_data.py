from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bearing.accounts.models import User
from bearing.ops.demo import DEMO_CODE_HINT, DEMO_LOGINS, DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load demo data: a practice, an organization, coaches, coachees and a sponsor."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any account exists."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # Demo accounts share a published password and second-factor key.
            raise CommandError("Demo data is for trying Bearing, never for production.")
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data: accounts exist already, nothing loaded.")
                return
            raise CommandError("The database has accounts already; demo data goes in an empty one.")
        build_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role, email, what in DEMO_LOGINS:
            self.stdout.write(f"  {role:<13} {email:<22} {what}")
        self.stdout.write(DEMO_CODE_HINT)
