"""Retention rules in words: read the Swedish phrases of an informationshanteringsplan
("Bevaras", "Gallras efter 2 år", "5 år efter avslut", "vid inaktualitet") and write
them back the same way.

A rule is the triple (action, period_months, trigger) of RetentionRule. Parsing is
lenient about spelling (å/a, singular/plural, "mån"/"månader") but never guesses: a
phrase it cannot read raises ValueError with a Swedish message, and the importer turns
that into a RuleViolation naming the row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KEEP = "keep"
DISPOSE = "dispose"

CASE_CLOSED = "case_closed"
LAST_ENTRY = "last_entry"
INACTUAL = "inactual"
REGISTERED = "registered"
TRIGGERS = (CASE_CLOSED, LAST_ENTRY, INACTUAL, REGISTERED)

# What an importer assumes when a plan says "Gallras efter 2 år" without saying from
# when: in municipal plans the period runs from the case's closing.
DEFAULT_TRIGGER = CASE_CLOSED

MAX_PERIOD_MONTHS = 1200

TRIGGER_WORDS = {
    CASE_CLOSED: "ärendets avslut",
    LAST_ENTRY: "sista anteckning",
    INACTUAL: "inaktualitet",
    REGISTERED: "registrering",
}
TRIGGER_CODE_SUFFIX = {CASE_CLOSED: "", LAST_ENTRY: "-ANT", INACTUAL: "-INAKT", REGISTERED: "-REG"}

_NUMBER_WORDS = {
    "en": 1, "ett": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "atta": 8,
    "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30,
}


@dataclass(frozen=True)
class Retention:
    action: str
    period_months: int | None = None
    trigger: str = ""

    def describe(self) -> str:
        return describe(self.action, self.period_months, self.trigger)

    def default_code(self) -> str:
        """A readable code for a rule read from a spreadsheet without codes: B, G2, G18M-ANT, G-INAKT."""
        if self.action == KEEP:
            return "B"
        if self.period_months is None:
            span = ""
        elif self.period_months % 12 == 0:
            span = str(self.period_months // 12)
        else:
            span = f"{self.period_months}M"
        return f"G{span}{TRIGGER_CODE_SUFFIX.get(self.trigger, '')}"


def _fold(text: str) -> str:
    """Lower case without diacritics and with single spaces: 'Hålls  ordnad' -> 'halls ordnad'."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().lower()


def format_period(months: int | None) -> str:
    if months is None:
        return ""
    if months % 12 == 0:
        return f"{months // 12} år"
    return f"{months} mån"


def describe(action: str, period_months: int | None, trigger: str) -> str:
    """The rule as a plan says it: 'Bevaras', 'Gallras 2 år efter ärendets avslut',
    'Gallras vid inaktualitet', 'Gallras 1 år efter inaktualitet'."""
    if action == KEEP:
        return "Bevaras"
    if period_months is None:
        if trigger == INACTUAL:
            return "Gallras vid inaktualitet"
        return "Gallras"
    if period_months == 0:
        return f"Gallras vid {TRIGGER_WORDS[trigger]}" if trigger else "Gallras"
    span = format_period(period_months)
    return f"Gallras {span} efter {TRIGGER_WORDS[trigger]}" if trigger else f"Gallras efter {span}"


_PERIOD_RE = re.compile(r"(\d+|[a-z]+)\s*(ar|manader|manad|man|m|veckor|vecka|dagar|dag)\b")


def _period(text: str) -> tuple[int | None, str]:
    """(months, rest of text) for the first period in folded text; months None if none."""
    for match in _PERIOD_RE.finditer(text):
        amount_text, unit = match.groups()
        if amount_text.isdigit():
            amount = int(amount_text)
            break
        if amount_text in _NUMBER_WORDS:
            amount = _NUMBER_WORDS[amount_text]
            break
    else:
        return None, text
    if unit in {"veckor", "vecka", "dagar", "dag"}:
        raise ValueError("gallringsfristen anges i år eller månader")
    months = amount * 12 if unit == "ar" else amount
    rest = (text[: match.start()] + " " + text[match.end():]).strip()
    return months, rest


def _trigger(text: str) -> str:
    if "inaktuel" in text or "inaktualitet" in text or "aktualitet" in text:
        return INACTUAL
    if "anteckning" in text or "notering" in text or "journal" in text:
        return LAST_ENTRY
    if "avslut" in text or "arendet" in text or "beslut" in text:
        return CASE_CLOSED
    if "registrer" in text or "inkom" in text or "uppratt" in text or "tillkomst" in text:
        return REGISTERED
    return ""


_ACTION_WORDS = {
    KEEP: ("bevaras", "bevara", "bevarande", "b"),
    DISPOSE: ("gallras", "gallra", "gallring", "g"),
}
_FILLER = re.compile(r"\b(efter|fran|raknat|raknas|fran och med|vid|den|det|da|av|om|nar|pa|och|samt|tidigast|senast)\b")


def parse(action_text: str = "", period_text: str = "", trigger_text: str = "") -> Retention:
    """Read a rule from the three columns of a plan (any of them may hold the whole phrase).

    >>> parse("Gallras", "2 år", "ärendets avslut")
    Retention(action='dispose', period_months=24, trigger='case_closed')
    """
    texts = [_fold(t) for t in (action_text, period_text, trigger_text)]
    whole = " ".join(t for t in texts if t)
    if not whole:
        raise ValueError("bevarande eller gallring saknas")

    action = ""
    for word in re.findall(r"[a-z]+", whole):
        for candidate, words in _ACTION_WORDS.items():
            if word in words:
                if action and action != candidate:
                    raise ValueError(f"både bevaras och gallras i ”{' '.join(t for t in (action_text, period_text, trigger_text) if t)}”")
                action = candidate

    months, rest = _period(whole)
    trigger = _trigger(rest)
    if "omedelbart" in rest or "direkt" in rest:
        months = 0 if months is None else months
    leftover = _FILLER.sub(" ", rest)
    for words in _ACTION_WORDS.values():
        leftover = re.sub(r"\b(" + "|".join(words) + r")\b", " ", leftover)
    leftover = re.sub(
        r"\b(arendets|arendet|avslut|avslutat|avslutats|avslutas|sista|senaste|anteckning|anteckningen|notering|journal|"
        r"inaktualitet|inaktuell|inaktuella|inaktuellt|aktualitet|registrering|registreringen|registrerats|registrerad|"
        r"inkom|inkommit|upprattad|upprattande|upprattats|tillkomst|beslut|beslutet|beslutsdatum|omedelbart|direkt|ar|arets|"
        r"utgang|kalenderarets|handlingen|handlingens)\b",
        " ",
        leftover,
    )
    leftover = re.sub(r"[\s.,;:()/\-–]+", " ", leftover).strip()
    if leftover:
        raise ValueError(f"kan inte tolka ”{' '.join(t for t in (action_text, period_text, trigger_text) if t).strip()}”")

    if not action:
        if months is None and trigger != INACTUAL:
            raise ValueError(f"kan inte tolka ”{' '.join(t for t in (action_text, period_text, trigger_text) if t).strip()}”")
        action = DISPOSE
    if action == KEEP:
        if months is not None or trigger:
            raise ValueError("en handling som bevaras kan inte ha gallringsfrist")
        return Retention(KEEP)
    if months is None and trigger != INACTUAL:
        raise ValueError("gallringsfrist saknas (t.ex. ”2 år” eller ”vid inaktualitet”)")
    if months is not None and months > MAX_PERIOD_MONTHS:
        raise ValueError("gallringsfristen är orimligt lång")
    return Retention(DISPOSE, months, trigger or DEFAULT_TRIGGER)


def problems(action: str, period_months: int | None, trigger: str) -> list[str]:
    """What is wrong with a rule as stored (empty when it makes sense)."""
    found = []
    if action not in (KEEP, DISPOSE):
        found.append(f"åtgärden ska vara ”keep” (bevaras) eller ”dispose” (gallras), inte ”{action}”.")
    if trigger and trigger not in TRIGGERS:
        found.append(f"okänd utgångspunkt för gallringsfristen ”{trigger}” (tillåtna: {', '.join(TRIGGERS)}).")
    if period_months is not None and not 0 <= period_months <= MAX_PERIOD_MONTHS:
        found.append(f"gallringsfristen ska vara mellan 0 och {MAX_PERIOD_MONTHS} månader.")
    if action == KEEP and (period_months is not None or trigger):
        found.append("en regel som bevarar kan inte ha gallringsfrist eller ”räknas från”.")
    if action == DISPOSE:
        if not trigger:
            found.append("en gallringsregel måste ange varifrån fristen räknas (t.ex. ärendets avslut).")
        elif period_months is None and trigger != INACTUAL:
            found.append("en gallringsregel måste ha en gallringsfrist i månader (eller gallras vid inaktualitet).")
    return found


def columns(action: str, period_months: int | None, trigger: str) -> tuple[str, str, str]:
    """The rule as the three plan columns: (Bevaras/Gallras, Gallringsfrist, Räknas från)."""
    if action == KEEP:
        return ("Bevaras", "", "")
    if period_months is None:
        return ("Gallras", "vid inaktualitet" if trigger == INACTUAL else "", "")
    return ("Gallras", format_period(period_months) if period_months else "omedelbart", TRIGGER_WORDS.get(trigger, ""))
