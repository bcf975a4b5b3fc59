from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_search_schema(sender, using="default", **kwargs):
    """After every migrate: put back what an interrupted `knutpunkt reindex` may have
    left dropped (the PostgreSQL GIN index). Idempotent and quick when all is there."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from .engine import get_engine

    if using != DEFAULT_DB_ALIAS:  # the index lives beside the registry, in the default database
        return
    connection = connections[using]
    if "search_extractedtext" not in connection.introspection.table_names():
        return  # the search app's migrations have not run on this database
    try:
        engine = get_engine(connection)
    except RuntimeError:  # no backend for this database
        return
    engine.ensure_schema()


class SearchConfig(AppConfig):
    name = "knutpunkt.search"
    label = "search"
    verbose_name = "Sökning"

    def ready(self):
        from . import indexing

        indexing.subscribe()
        post_migrate.connect(ensure_search_schema, sender=self, dispatch_uid="knutpunkt.search.ensure_schema")
