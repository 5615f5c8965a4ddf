from django.apps import AppConfig


class CompanionConfig(AppConfig):
    name = "bearing.companion"
    label = "companion"
