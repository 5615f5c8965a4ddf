import os
import socket

from django.core.management.base import BaseCommand

from bearing.growth.reminders import reminders_plan, reminders_send


class Command(BaseCommand):
    help = "Plan and send due reminders now (safe to run from several hosts at once)."

    def handle(self, *args, **options):
        planned = reminders_plan()
        sent = reminders_send(worker=f"{socket.gethostname()}:{os.getpid()}")
        self.stdout.write(f"Planned {planned} reminders, sent {sent}.")
