from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "bearing.growth"
    label = "growth"
