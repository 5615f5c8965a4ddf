from django.tasks import task


@task()
def reminders_tick() -> dict:
    """Plan and send due reminders, and give back the tasks a dead worker left
    running. Any number of workers may run this at once."""
    import os
    import socket

    from bearing.lib.tasks import tasks_requeue_abandoned

    from .reminders import reminders_plan, reminders_send

    requeued = tasks_requeue_abandoned()
    planned = reminders_plan()
    sent = reminders_send(worker=f"{socket.gethostname()}:{os.getpid()}")
    return {"planned": planned, "sent": sent, "requeued": requeued}
