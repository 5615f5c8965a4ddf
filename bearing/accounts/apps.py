from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bearing.accounts"
    label = "accounts"

    def ready(self):
        from . import login_sessions, signals, signin_flow  # noqa: F401
        from .policy import register_kinds

        register_kinds()
