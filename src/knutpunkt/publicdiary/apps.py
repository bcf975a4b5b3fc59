from django.apps import AppConfig


class PublicDiaryConfig(AppConfig):
    name = "knutpunkt.publicdiary"
    label = "publicdiary"
    verbose_name = "Diariet på webben"

    def ready(self):
        from knutpunkt.core import events

        from . import search_index, services

        # Runs in the background worker, after the registering transaction committed.
        events.subscribe("case.", services.on_registry_event)
        events.subscribe("document.", services.on_registry_event)
        # `knutpunkt reindex` rebuilds the public search collection from PublishedEntry.
        search_index.register()
