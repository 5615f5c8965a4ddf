from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "bearing.exports"
    label = "exports"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
