from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "bearing.engagements"
    label = "engagements"
