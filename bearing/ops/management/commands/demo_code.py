"""`manage.py demo_code`: the code the demo accounts' authenticator shows now.

For trying Bearing without a phone. The demo secret is public (README), so this
prints nothing that is not already known; it refuses in production all the same.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bearing.accounts.factors import STEP, code_at
from bearing.ops.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current sign-in code of the demo coach, sponsor and staff accounts."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo codes are for demo installations, not production.")
        now = time.time()
        left = STEP - int(now) % STEP
        self.stdout.write(code_at(DEMO_TOTP_SECRET, now))
        self.stderr.write(
            f"Valid for {left} more seconds; each code signs in once per account. "
            f"Authenticator key: {DEMO_TOTP_SECRET}"
        )
