"""Seed data: common OSL provisions used in municipal diaries (shared/data/osl-lagrum.csv).

Statute text is free of copyright; the short titles and descriptions are our own
summaries. Rows flagged `verifiera=ja` are seeded with needs_verification set, so an
administrator sees that they must be checked against the law in force.
"""

import csv
import re
from pathlib import Path

DATA = Path(__file__).parent / "data" / "osl-lagrum.csv"
_REF_RE = re.compile(r"^\s*(\d+)\s*kap\.\s*(\d+\s*[a-z]?)\s*§")


def parse_reference(reference: str) -> tuple[int | None, str]:
    match = _REF_RE.match(reference)
    if not match:
        return None, ""
    return int(match.group(1)), match.group(2).replace(" ", "")


def seed_rows():
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            chapter, paragraph = parse_reference(row["lagrum"])
            yield {
                "law": "OSL",
                "reference": row["lagrum"].strip(),
                "chapter": chapter,
                "paragraph": paragraph,
                "short_title": row["kort_titel"].strip(),
                "protects": row["skyddar"].strip(),
                "typical_use": row["typisk_anvandning"].strip(),
                "needs_verification": row.get("verifiera", "").strip().lower() == "ja",
            }


def seed_legal_provisions(LegalProvision) -> int:
    """Create the shared provisions that are missing. Takes the model class so the
    data migration can pass its historical model."""
    created = 0
    for row in seed_rows():
        _, was_created = LegalProvision.objects.get_or_create(
            organisation=None, law=row["law"], reference=row["reference"], defaults=row
        )
        created += was_created
    return created
