"""Keeping the search engine's "public" collection in step with PublishedEntry.

The engine (knutpunkt.search.engine) is optional here: until it is installed, public
search is a plain ORM query (publicdiary.queries) and these calls do nothing. Only
public fields are ever handed to it — it indexes the projection, never the registry.
"""

import logging

log = logging.getLogger(__name__)

COLLECTION = "public"


def engine():
    try:
        from knutpunkt.search import engine as search_engine
    except ImportError:
        return None
    needed = ("index", "delete", "match")
    return search_engine if all(hasattr(search_engine, name) for name in needed) else None


def fields_of(entry) -> dict:
    return {
        "title": entry.public_title,
        "reference": " ".join(filter(None, [entry.reference, entry.case_reference])),
        "correspondent": entry.correspondent,
    }


def add(entry) -> None:
    e = engine()
    if e is not None:
        e.index(COLLECTION, entry.pk, fields_of(entry))


def remove(entry) -> None:
    e = engine()
    if e is not None:
        e.delete(COLLECTION, entry.pk)
