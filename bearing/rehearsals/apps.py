from django.apps import AppConfig


class RehearsalsConfig(AppConfig):
    name = "bearing.rehearsals"
    label = "rehearsals"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
