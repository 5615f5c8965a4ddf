from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "bearing.insight"
    label = "insight"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
