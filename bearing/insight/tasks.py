from django.tasks import task


@task()
def insight_tick() -> dict:
    """Close campaigns past their deadline and remind raters who have not answered."""
    from .reminders import rater_reminders_send
    from .services import campaigns_close_due

    return {"closed": campaigns_close_due(), "reminded": rater_reminders_send()}
