"""The collections the search index holds: named text fields per key.

A collection's fields are fixed, so the embedded backends can give each field its
own column (matching "only in these fields" is then a plain column filter). Adding a
field means a migration that rebuilds the collection's table and a `knutpunkt reindex`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    name: str
    fields: tuple[str, ...]
    key_type: str = "uuid"  # "uuid" (stored like Django stores UUIDField) or "text"
    # Relevance weight per field, A (highest) … D; PostgreSQL uses the letters,
    # SQLite's bm25 the numbers.
    weights: tuple[tuple[str, str], ...] = ()

    def weight(self, field: str) -> str:
        return dict(self.weights).get(field, "D")


CASES = Collection(
    "cases",
    ("reference", "title", "public_title", "description", "parties", "protected_parties"),
    weights=(("reference", "A"), ("title", "A"), ("public_title", "A"), ("description", "C"), ("parties", "B"), ("protected_parties", "B")),
)
DOCUMENTS = Collection(
    "documents",
    ("reference", "title", "public_title", "parties", "protected_parties", "files", "secret_files"),
    weights=(("reference", "A"), ("title", "A"), ("public_title", "A"), ("parties", "B"), ("protected_parties", "B")),
)

# The public diary's search (publicdiary.search_index): one row per PublishedEntry,
# key = its object_id. Only the projection's public fields are ever indexed here, so
# nothing the public may not see can match.
PUBLIC = Collection(
    "public",
    ("reference", "title", "correspondent"),
    key_type="uuid",
    weights=(("reference", "A"), ("title", "A"), ("correspondent", "B")),
)

COLLECTIONS: dict[str, Collection] = {c.name: c for c in (CASES, DOCUMENTS, PUBLIC)}

WEIGHT_NUMBERS = {"A": 10.0, "B": 5.0, "C": 2.0, "D": 1.0}


def get(name: str) -> Collection:
    try:
        return COLLECTIONS[name]
    except KeyError:
        raise ValueError(f"unknown search collection {name!r}") from None
