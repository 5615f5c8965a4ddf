"""The operator invites someone from the server's command line.

Whoever runs manage.py on the server is the installation's root of trust, so this
invitation needs no second approval (every one made on the web does). It is how
the first staff member joins: ``manage.py invite you@example.com --role staff``.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bearing.accounts.models import Organization, Practice, Role
from bearing.accounts.services import invitation_create


class Command(BaseCommand):
    help = "Invite someone as staff, coach, sponsor or coachee (the operator's own approval)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="")
        parser.add_argument("--practice", help="The practice's name, for a coach.")
        parser.add_argument("--organization", help="The organization's name, for a sponsor.")

    def handle(self, *args, **options):
        practice = organization = None
        if options["practice"]:
            practice = Practice.objects.filter(name=options["practice"]).first()
            if practice is None:
                raise CommandError(f"No practice is named {options['practice']!r}.")
        if options["organization"]:
            organization = Organization.objects.filter(name=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization is named {options['organization']!r}.")
        try:
            invitation, _ = invitation_create(
                invited_by=None,
                email=options["email"],
                name=options["name"],
                role=options["role"],
                practice=practice,
                organization=organization,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        # The link is a credential: it goes by email only, never to a terminal or a log.
        self.stdout.write(f"Invitation emailed to {invitation.email}.")
