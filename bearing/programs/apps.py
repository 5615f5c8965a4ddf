from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "bearing.programs"
    label = "programs"

    def ready(self):
        from bearing.accounts.signals import invitation_accepted

        from .policy import register_kinds
        from .services import seat_attach_leader

        register_kinds()

        invitation_accepted.connect(seat_attach_leader, dispatch_uid="bearing-seat-attach-leader")
