from django.apps import AppConfig


class RehearsalsConfig(AppConfig):
    name = "bearing.rehearsals"
    label = "rehearsals"

    def ready(self):
        from bearing.lib.brief_sections import BriefSource
        from bearing.lib.brief_sections import register as register_brief_source

        from .policy import register_kinds
        from .queries import brief_items

        register_kinds()
        # The coach's session brief lists the talks brought to it.
        register_brief_source(BriefSource(name="rehearsals", items=brief_items))
