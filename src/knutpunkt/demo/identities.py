"""Made-up Swedish identity numbers with correct check digits, for demo parties.

The names and addresses beside them are invented; a generated number may still
belong to someone real, so these numbers are only ever used in demo data.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum import luhn


def personal_number(rnd: random.Random, *, born_from: int = 1940, born_to: int = 2005) -> str:
    """A personnummer as 12 digits (YYYYMMDDNNNC)."""
    start = dt.date(born_from, 1, 1).toordinal()
    end = dt.date(born_to, 12, 31).toordinal()
    birth = dt.date.fromordinal(rnd.randint(start, end))
    serial = f"{rnd.randint(980, 999):03d}"
    nine = f"{birth:%y%m%d}{serial}"
    return f"{birth.year // 100}{nine}{luhn.calc_check_digit(nine)}"


def org_number(rnd: random.Random, group: str = "55") -> str:
    """An organisationsnummer as 10 digits. group: 55 aktiebolag, 80 ideell förening,
    20 state authority, 21 municipality, 96 handelsbolag."""
    # The third digit is at least 2 so it can never be read as a month (personnummer).
    nine = f"{group}{rnd.randint(2, 9)}{rnd.randint(0, 999999):06d}"
    return nine + luhn.calc_check_digit(nine)


def format_personal_number(normalised: str) -> str:
    return f"{normalised[:8]}-{normalised[8:]}"


def format_org_number(normalised: str) -> str:
    return f"{normalised[:6]}-{normalised[6:]}"
