from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "bearing.practice"
    label = "practice"
    verbose_name = "Decisions, transitions and priorities"

    def ready(self):
        from bearing.lib.reminder_subjects import ReminderSubject, register

        from .policy import register_kinds
        from .queries import review_reminder_relevant

        register_kinds()
        register(
            ReminderSubject(
                kind="decision_review",
                still_relevant=review_reminder_relevant,
                path=_review_path,
            )
        )


def _review_path(code: str) -> str:
    from django.urls import reverse

    return reverse("practice:decision_review", args=[code])
