from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "bearing.growth"
    label = "growth"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
