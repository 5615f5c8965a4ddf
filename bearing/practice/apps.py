from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "bearing.practice"
    label = "practice"
    verbose_name = "Decisions, transitions and priorities"

    def ready(self):
        from bearing.lib.brief_sections import BriefSource
        from bearing.lib.brief_sections import register as register_brief_source
        from bearing.lib.reminder_subjects import ReminderSubject, register

        from .policy import register_kinds
        from .queries import (
            brief_items,
            review_reminder_relevant,
            weekly_review_path,
            weekly_review_relevant,
            weekly_reviews_due,
        )

        register_kinds()
        register(
            ReminderSubject(
                kind="decision_review",
                still_relevant=review_reminder_relevant,
                path=_review_path,
            )
        )
        register(
            ReminderSubject(
                kind="weekly_review",
                still_relevant=weekly_review_relevant,
                path=weekly_review_path,
                plan=weekly_reviews_due,
            )
        )
        register_brief_source(BriefSource(name="practice", items=brief_items))


def _review_path(code: str) -> str:
    from django.urls import reverse

    return reverse("practice:decision_review", args=[code])
