from django.apps import AppConfig


class CompanionConfig(AppConfig):
    name = "bearing.companion"
    label = "companion"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
