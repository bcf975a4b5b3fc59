from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "knutpunkt.search"
    label = "search"
    verbose_name = "Sökning"

    def ready(self):
        from . import indexing

        indexing.subscribe()
