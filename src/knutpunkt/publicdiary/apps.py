from django.apps import AppConfig


class PublicDiaryConfig(AppConfig):
    name = "knutpunkt.publicdiary"
    label = "publicdiary"
    verbose_name = "Diariet på webben"

    def ready(self):
        from knutpunkt.core import events

        from . import services

        # Runs in the background worker, after the registering transaction committed.
        events.subscribe("case.", services.on_registry_event)
        events.subscribe("document.", services.on_registry_event)
