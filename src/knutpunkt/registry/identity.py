"""Swedish identity numbers: validated and normalised before they are stored.

Personnummer and samordningsnummer are kept as 12 digits (YYYYMMDDNNNC);
organisationsnummer as 10 digits. python-stdnum rejects samordningsnummer, so those
(day + 60) are checked here with the same Luhn digit.
"""

import datetime as dt
import re

from stdnum import luhn
from stdnum.se import orgnr as stdnum_orgnr

from knutpunkt.core import clock
from knutpunkt.core.errors import RuleViolation

_PNR_RE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")


def normalise_personal_number(value: str, *, field: str = "personal_number") -> str:
    """Return a personnummer or samordningsnummer as 12 digits, or raise RuleViolation."""
    raw = re.sub(r"\s", "", value or "")
    match = _PNR_RE.match(raw)
    if not match:
        raise RuleViolation(
            "Personnumret ska skrivas som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN.", code="invalid_personal_number", field=field
        )
    century, yy, mm, dd, sep, tail = match.groups()
    day = int(dd)
    is_coordination = day > 60
    if is_coordination:
        day -= 60
    if century is None:
        # A 10-digit number: the century follows from the separator ('+' = 100 years or older).
        today = clock.today()
        year = 2000 + int(yy)
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
        century = str(year // 100)
    try:
        dt.date(int(century + yy), int(mm), day)
    except ValueError:
        raise RuleViolation("Personnumret innehåller inget giltigt datum.", code="invalid_personal_number", field=field) from None
    ten = yy + mm + dd + tail
    if not luhn.is_valid(ten):
        raise RuleViolation("Personnumrets kontrollsiffra stämmer inte.", code="invalid_personal_number", field=field)
    return century + ten


def is_coordination_number(normalised: str) -> bool:
    return int(normalised[6:8]) > 60


def normalise_org_number(value: str, *, field: str = "org_number") -> str:
    """Return an organisationsnummer as 10 digits, or raise RuleViolation."""
    raw = re.sub(r"[\s-]", "", value or "")
    if len(raw) == 12 and raw.startswith("16"):
        raw = raw[2:]
    if not re.fullmatch(r"\d{10}", raw):
        raise RuleViolation("Organisationsnumret ska ha tio siffror, t.ex. 212000-1234.", code="invalid_org_number", field=field)
    if not stdnum_orgnr.is_valid(raw):
        # A sole trader's organisationsnummer is their personnummer.
        if luhn.is_valid(raw) and raw[2] in "01":
            return raw
        raise RuleViolation("Organisationsnumrets kontrollsiffra stämmer inte.", code="invalid_org_number", field=field)
    return raw


def format_personal_number(normalised: str) -> str:
    return f"{normalised[:8]}-{normalised[8:]}" if len(normalised) == 12 else normalised


def format_org_number(normalised: str) -> str:
    return f"{normalised[:6]}-{normalised[6:]}" if len(normalised) == 10 else normalised
