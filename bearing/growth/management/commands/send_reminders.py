import os
import socket

from django.core.management.base import BaseCommand

from bearing.growth.reminders import reminders_plan, reminders_send
from bearing.lib.tasks import tasks_requeue_abandoned


class Command(BaseCommand):
    help = "Plan and send due reminders now (safe to run from several hosts at once)."

    def handle(self, *args, **options):
        tasks_requeue_abandoned()  # notifications a dead task worker left unfinished
        planned = reminders_plan()
        sent = reminders_send(worker=f"{socket.gethostname()}:{os.getpid()}")
        self.stdout.write(f"Planned {planned} reminders, sent {sent}.")
