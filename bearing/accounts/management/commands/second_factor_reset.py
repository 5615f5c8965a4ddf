"""The operator removes someone's authenticator app and recovery codes.

For a person who lost both their phone and their recovery codes, once the operator
is sure who is asking. Every sign-in of theirs ends; a coach, sponsor or staff
member sets up a new app at their next sign-in. Audited as a removal by the operator.
"""

from django.core.management.base import BaseCommand, CommandError

from bearing.accounts.factors import factor_remove
from bearing.accounts.models import User


class Command(BaseCommand):
    help = "Remove a person's authenticator app and recovery codes (they lost both)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account has the email {email!r}.")
        if not factor_remove(user=user, via="operator"):
            raise CommandError(f"{user.email} has no authenticator app.")
        self.stdout.write(
            f"Removed the authenticator app and recovery codes of {user.email}; "
            "every sign-in of theirs has ended."
        )
