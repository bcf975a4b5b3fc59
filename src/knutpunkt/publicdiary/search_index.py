"""Keeping the search engine's "public" collection in step with PublishedEntry.

The engine (knutpunkt.search.engine.get_engine) is used once the search app defines a
"public" collection (fields reference, title, correspondent; key = the entry's
object_id, a UUID). Until then public search is a plain ORM query (publicdiary.queries)
and these calls do nothing. Only public fields are ever handed to the engine — it
indexes the projection, never the registry.
"""

import logging

log = logging.getLogger(__name__)

COLLECTION = "public"


def engine():
    try:
        from knutpunkt.search import engine as search_engine
        from knutpunkt.search import schema
    except ImportError:
        return None
    if COLLECTION not in getattr(schema, "COLLECTIONS", {}) or not hasattr(search_engine, "get_engine"):
        return None
    return search_engine.get_engine()


def fields_of(entry) -> dict:
    return {
        "title": entry.public_title,
        "reference": " ".join(filter(None, [entry.reference, entry.case_reference])),
        "correspondent": entry.correspondent,
    }


def add(entry) -> None:
    e = engine()
    if e is not None:
        e.index(COLLECTION, entry.object_id, fields_of(entry))


def remove(entry) -> None:
    e = engine()
    if e is not None:
        e.delete(COLLECTION, entry.object_id)


def clear() -> None:
    e = engine()
    if e is not None:
        e.clear(COLLECTION)


def match(text: str):
    """Keys (object_id) matching every word, or None without an engine or words."""
    e = engine()
    return None if e is None else e.match(COLLECTION, text)
