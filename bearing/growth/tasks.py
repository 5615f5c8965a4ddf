from django.tasks import task


@task()
def reminders_tick() -> dict:
    """Plan and send due reminders. Any number of workers may run this at once."""
    import os
    import socket

    from .reminders import reminders_plan, reminders_send

    planned = reminders_plan()
    sent = reminders_send(worker=f"{socket.gethostname()}:{os.getpid()}")
    return {"planned": planned, "sent": sent}
