"""Checking a classification structure before anything is saved.

The exchange format (JSON, and the dict the CSV/XLSX readers build) is

    {"scheme": {"name", "version", "description", "valid_from"},
     "retention_rules": [{"code", "action", "period_months", "trigger", "legal_basis", "note"}],
     "classes": [{"code", "level", "title", "description", "parent"}],
     "case_types": [{"process", "code", "title", "description", "handling_days", "default_marking"?}],
     "document_types": [{"process", "code", "title", "description", "registration", "retention_rule", "default_marking"?}]}

where the optional default_marking is {"provisions": ["26 kap. 1 §", …], "parts": ["title", "parties"],
"public_title": "…", "personal_data_level": "skyddad"} — a marking proposed (never applied
silently) when a case or document of the type is registered. Its provisions must be known
to the organisation (shared or its own) and in force; see ProvisionIndex.

`validate` reads all of it, collects every problem (each naming its row) and either
returns a cleaned copy or raises one RuleViolation listing them. Nothing is written
here, so an import is all or nothing. An entry may carry "_source" (e.g. "rad 12") —
the spreadsheet readers set it so messages name the row of the user's file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.core.errors import RuleViolation

from . import retention
from .models import Class, DocumentType

LEVELS = [str(level) for level in Class.LEVEL_ORDER]
LEVEL_NAMES = {str(level): level.label for level in Class.LEVEL_ORDER}
REGISTRATIONS = [str(r) for r in DocumentType.Registration.values]
MAX_REPORTED = 25
SECRET_PARTS = ("title", "description", "parties", "files")
PERSONAL_DATA_LEVELS = [str(v) for v in PersonalDataLevel.values]
MARKING_KEYS = ("provisions", "parts", "public_title", "personal_data_level")


# --- legal provisions a default marking may cite ------------------------------------------------

_LAW_PREFIX = re.compile(r"^\s*([A-Za-zÅÄÖåäö]{2,10})\s+(?=\d)")
_REFERENCE = re.compile(r"^\s*(\d+)\s*(?:kap\b\.?|:)\s*(\d+)\s*([a-zA-Z]?)\s*§?\s*$", re.IGNORECASE)


def provision_key(text: str, law: str = "") -> tuple:
    """One key for the ways a reference is written: "26 kap. 1 §", "OSL 26 kap. 1 §",
    "26 kap 1 §", "26:1" (the law is OSL unless it is named)."""
    text = str(text or "")
    match = _LAW_PREFIX.match(text)
    if match:
        law, text = match.group(1), text[match.end():]
    law = (law or "OSL").upper()
    ref = _REFERENCE.match(text)
    if ref:
        return (law, int(ref.group(1)), ref.group(2) + ref.group(3).lower())
    return (law, " ".join(text.lower().split()))


def provision_label(provision) -> str:
    """How a provision is written in a structure: "26 kap. 1 §", with the law unless OSL."""
    return provision.reference if provision.law == "OSL" else f"{provision.law} {provision.reference}"


class ProvisionIndex:
    """The legal provisions an organisation may cite: the shared ones and its own, the
    organisation's own first where both have the same reference."""

    def __init__(self, provisions=(), *, today: dt.date | None = None):
        self.today = today or dt.date.today()
        self._by_key: dict[tuple, object] = {}
        for p in sorted(provisions, key=lambda p: (not self.usable(p), p.organisation_id is None, p.pk)):
            self._by_key.setdefault(provision_key(p.reference, p.law), p)

    @classmethod
    def for_organisation(cls, organisation) -> "ProvisionIndex":
        from django.db.models import Q

        from knutpunkt.access.models import LegalProvision
        from knutpunkt.core import clock

        org_id = getattr(organisation, "pk", organisation)
        return cls(LegalProvision.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=org_id)), today=clock.today())

    def find(self, text: str):
        return self._by_key.get(provision_key(text))

    def usable(self, provision) -> bool:
        return provision.active and not (provision.valid_to and provision.valid_to < self.today)


@dataclass
class CleanStructure:
    scheme: dict
    retention_rules: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)  # parents before children
    case_types: list[dict] = field(default_factory=list)
    document_types: list[dict] = field(default_factory=list)


class _Checker:
    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, entry: dict, key: str, where: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = entry.get(key)
        if value is None:
            value = ""
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(where, f"fältet ”{key}” ska vara text.")
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(where, f"fältet ”{key}” saknas.")
        if max_length and len(value) > max_length:
            self.add(where, f"fältet ”{key}” får vara högst {max_length} tecken.")
        return value

    def integer(self, entry: dict, key: str, where: str, *, maximum: int) -> int | None:
        value = entry.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            else:
                self.add(where, f"fältet ”{key}” ska vara ett heltal.")
                return None
        if value < 0 or value > maximum:
            self.add(where, f"fältet ”{key}” ska vara mellan 0 och {maximum}.")
            return None
        return value


def _text_list(checker: "_Checker", value, where: str, label: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        checker.add(where, f"förvald sekretess: ”{label}” ska vara en lista med text.")
        return []
    return [v.strip() for v in value if v.strip()]


def _default_marking(entry: dict, where: str, checker: "_Checker", provisions: ProvisionIndex) -> dict | None:
    """The optional default marking of a case or document type, checked by the same rules
    as a marking itself (registry.secrecy): at least one provision in force, known parts,
    a secret title needs an offentlig rubrik — plus a valid personal-data level."""
    raw = entry.get("default_marking")
    if raw in (None, {}):
        return None
    if not isinstance(raw, dict):
        checker.add(where, "”default_marking” ska vara ett objekt med provisions, parts, public_title och personal_data_level.")
        return None
    for key in sorted(set(raw) - set(MARKING_KEYS)):
        checker.add(where, f"förvald sekretess: okänt fält ”{key}”.")
    references = _text_list(checker, raw.get("provisions"), where, "provisions")
    parts = _text_list(checker, raw.get("parts"), where, "parts")
    public_title = checker.text(raw, "public_title", where, max_length=500)
    level = checker.text(raw, "personal_data_level", where)
    found = []
    for reference in references:
        provision = provisions.find(reference)
        if provision is None:
            checker.add(where, f"förvald sekretess: lagrummet ”{reference}” finns inte.")
        elif not provisions.usable(provision):
            checker.add(where, f"förvald sekretess: lagrummet ”{reference}” gäller inte längre.")
        elif provision.pk not in found:
            found.append(provision.pk)
    unknown = [p for p in parts if p not in SECRET_PARTS]
    if unknown:
        checker.add(where, f"förvald sekretess: okänd del ”{unknown[0]}” (tillåtna: {', '.join(SECRET_PARTS)}).")
    if parts and not references:
        checker.add(where, "förvald sekretess: ange minst ett lagrum.")
    if references and not parts:
        checker.add(where, "förvald sekretess: ange vilka delar som är sekretessbelagda.")
    if "title" in parts and not public_title:
        checker.add(where, "förvald sekretess: en sekretessbelagd rubrik kräver en offentlig rubrik.")
    if level and level not in PERSONAL_DATA_LEVELS:
        checker.add(where, f"förvald sekretess: okänt personuppgiftsskydd ”{level}” (tillåtna: {', '.join(PERSONAL_DATA_LEVELS)}).")
    if not (references or parts or public_title or level):
        return None
    return {
        "provisions": found, "parts": [p for p in SECRET_PARTS if p in parts], "public_title": public_title,
        "personal_data_level": level,
    }


def _where(kind: str, index: int, entry, code: str = "") -> str:
    source = entry.get("_source") if isinstance(entry, dict) else None
    place = source or f"rad {index + 1}"
    return f"{kind} {place}" + (f" (kod ”{code}”)" if code else "")


def _entries(data: dict, key: str, checker: _Checker, *, required: bool = False) -> list:
    value = data.get(key)
    if value is None:
        if required:
            checker.add("Strukturen", f"avsnittet ”{key}” saknas.")
        return []
    if not isinstance(value, list):
        checker.add("Strukturen", f"avsnittet ”{key}” ska vara en lista.")
        return []
    return value


def _as_dict(entry, where: str, checker: _Checker) -> dict | None:
    if not isinstance(entry, dict):
        checker.add(where, "raden ska vara ett objekt med fält.")
        return None
    return entry


def _scheme(data: dict, checker: _Checker) -> dict:
    raw = data.get("scheme")
    if not isinstance(raw, dict):
        checker.add("Strukturen", "avsnittet ”scheme” (namn och version) saknas.")
        return {}
    where = "Strukturens uppgifter"
    scheme = {
        "name": checker.text(raw, "name", where, required=True, max_length=200),
        "version": checker.text(raw, "version", where, max_length=20),
        "description": checker.text(raw, "description", where),
        "valid_from": None,
    }
    valid_from = raw.get("valid_from")
    if valid_from not in (None, ""):
        try:
            scheme["valid_from"] = dt.date.fromisoformat(str(valid_from).strip())
        except ValueError:
            checker.add(where, f"”gäller från” ska vara ett datum ÅÅÅÅ-MM-DD, inte ”{valid_from}”.")
    return scheme


def _retention_rules(data: dict, checker: _Checker) -> list[dict]:
    rules, seen = [], set()
    for i, entry in enumerate(_entries(data, "retention_rules", checker)):
        where = _where("Bevarande- och gallringsregel", i, entry)
        entry = _as_dict(entry, where, checker)
        if entry is None:
            continue
        code = checker.text(entry, "code", where, required=True, max_length=50)
        where = _where("Bevarande- och gallringsregel", i, entry, code)
        action = checker.text(entry, "action", where)
        trigger = checker.text(entry, "trigger", where)
        months = checker.integer(entry, "period_months", where, maximum=retention.MAX_PERIOD_MONTHS)
        if code in seen:
            checker.add(where, "koden finns redan på en annan regel.")
        seen.add(code)
        for problem in retention.problems(action, months, trigger):
            checker.add(where, problem)
        rules.append({
            "code": code, "action": action, "period_months": months, "trigger": trigger,
            "legal_basis": checker.text(entry, "legal_basis", where, max_length=255),
            "note": checker.text(entry, "note", where),
        })
    return rules


def _classes(data: dict, checker: _Checker) -> list[dict]:
    raw_classes, by_code = [], {}
    for i, entry in enumerate(_entries(data, "classes", checker, required=True)):
        where = _where("Klass", i, entry)
        entry = _as_dict(entry, where, checker)
        if entry is None:
            continue
        code = checker.text(entry, "code", where, required=True, max_length=30)
        where = _where("Klass", i, entry, code)
        level = checker.text(entry, "level", where)
        cleaned = {
            "code": code, "level": level,
            "title": checker.text(entry, "title", where, required=True, max_length=255),
            "description": checker.text(entry, "description", where),
            "parent": checker.text(entry, "parent", where) or None,
            "_where": where,
        }
        if level not in LEVELS:
            checker.add(where, f"okänd nivå ”{level}” (tillåtna: {', '.join(LEVELS)}).")
        if code in by_code:
            checker.add(where, "koden finns redan på en annan klass.")
            continue
        if code:
            by_code[code] = cleaned
        raw_classes.append(cleaned)
    if not raw_classes and not checker.problems:
        checker.add("Strukturen", "innehåller inga klasser.")

    for cleaned in raw_classes:
        where, level, parent_code = cleaned["_where"], cleaned["level"], cleaned["parent"]
        if level not in LEVELS:
            continue
        depth = LEVELS.index(level)
        if parent_code is None:
            if depth != 0:
                checker.add(where, f"en {LEVEL_NAMES[level].lower()} måste ha en överordnad {LEVEL_NAMES[LEVELS[depth - 1]].lower()}.")
            continue
        parent = by_code.get(parent_code)
        if parent is None:
            checker.add(where, f"den överordnade klassen ”{parent_code}” finns inte i strukturen.")
        elif parent["level"] in LEVELS and LEVELS.index(parent["level"]) != depth - 1:
            expected = "ingen (högsta nivån)" if depth == 0 else LEVEL_NAMES[LEVELS[depth - 1]].lower()
            checker.add(
                where,
                f"nivåerna kommer i fel ordning: en {LEVEL_NAMES[level].lower()} kan inte ligga under en "
                f"{LEVEL_NAMES[parent['level']].lower()} ”{parent_code}” (överordnad nivå ska vara {expected}).",
            )
    depth_of = {level: i for i, level in enumerate(LEVELS)}
    raw_classes.sort(key=lambda c: depth_of.get(c["level"], 99))
    return raw_classes


def _process_of(entry: dict, where: str, classes_by_code: dict, checker: _Checker) -> str:
    process = checker.text(entry, "process", where, required=True)
    if process:
        target = classes_by_code.get(process)
        if target is None:
            checker.add(where, f"processen ”{process}” finns inte i strukturen.")
        elif target["level"] != Class.Level.PROCESS:
            checker.add(where, f"”{process}” är en {LEVEL_NAMES.get(target['level'], target['level']).lower()}, inte en process.")
    return process


def _case_types(data: dict, classes_by_code: dict, checker: _Checker, provisions: ProvisionIndex) -> list[dict]:
    result, seen = [], set()
    for i, entry in enumerate(_entries(data, "case_types", checker)):
        where = _where("Ärendetyp", i, entry)
        entry = _as_dict(entry, where, checker)
        if entry is None:
            continue
        code = checker.text(entry, "code", where, required=True, max_length=30)
        where = _where("Ärendetyp", i, entry, code)
        process = _process_of(entry, where, classes_by_code, checker)
        if (process, code) in seen:
            checker.add(where, f"koden finns redan på en annan ärendetyp i process ”{process}”.")
        seen.add((process, code))
        result.append({
            "process": process, "code": code,
            "title": checker.text(entry, "title", where, required=True, max_length=255),
            "description": checker.text(entry, "description", where),
            "handling_days": checker.integer(entry, "handling_days", where, maximum=3650),
            "default_marking": _default_marking(entry, where, checker, provisions),
        })
    return result


def _document_types(data: dict, classes_by_code: dict, rule_codes: set, checker: _Checker, provisions: ProvisionIndex) -> list[dict]:
    result, seen = [], set()
    for i, entry in enumerate(_entries(data, "document_types", checker)):
        where = _where("Handlingstyp", i, entry)
        entry = _as_dict(entry, where, checker)
        if entry is None:
            continue
        code = checker.text(entry, "code", where, required=True, max_length=30)
        where = _where("Handlingstyp", i, entry, code)
        process = _process_of(entry, where, classes_by_code, checker)
        if (process, code) in seen:
            checker.add(where, f"koden finns redan på en annan handlingstyp i process ”{process}”.")
        seen.add((process, code))
        registration = checker.text(entry, "registration", where) or DocumentType.Registration.DIARIEFORS
        if registration not in REGISTRATIONS:
            checker.add(where, f"registreringen ska vara ”diariefors” eller ”halls_ordnad”, inte ”{registration}”.")
        rule = checker.text(entry, "retention_rule", where, required=True)
        if rule and rule not in rule_codes:
            checker.add(where, f"bevarande- och gallringsregeln ”{rule}” finns inte i strukturen.")
        result.append({
            "process": process, "code": code,
            "title": checker.text(entry, "title", where, required=True, max_length=255),
            "description": checker.text(entry, "description", where),
            "registration": registration, "retention_rule": rule,
            "default_marking": _default_marking(entry, where, checker, provisions),
        })
    return result


def code_key(code: str):
    """Sort 1.2 before 1.10: numeric parts as numbers."""
    parts = []
    for part in str(code).replace("-", ".").split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return parts


def raise_problems(problems: list[str], *, code: str = "invalid_structure") -> None:
    if not problems:
        return
    if len(problems) == 1:
        message = problems[0]
    else:
        shown = problems[:5]
        more = f" … och {len(problems) - len(shown)} fel till." if len(problems) > len(shown) else ""
        message = f"Strukturen har {len(problems)} fel: " + " ".join(p if p.endswith(".") else p + "." for p in shown) + more
    raise RuleViolation(message, code=code, errors={"structure": problems[:MAX_REPORTED * 4]})


def validate(data, provisions: ProvisionIndex | None = None) -> CleanStructure:
    """`provisions`: what default markings may cite (ProvisionIndex.for_organisation);
    without it, a default marking that cites any provision is refused."""
    provisions = provisions or ProvisionIndex()
    checker = _Checker()
    if not isinstance(data, dict):
        raise_problems(["Strukturen: filen ska innehålla ett JSON-objekt med scheme, retention_rules, classes, case_types och document_types."])
    scheme = _scheme(data, checker)
    rules = _retention_rules(data, checker)
    classes = _classes(data, checker)
    classes_by_code = {c["code"]: c for c in classes}
    case_types = _case_types(data, classes_by_code, checker, provisions)
    document_types = _document_types(data, classes_by_code, {r["code"] for r in rules}, checker, provisions)
    raise_problems(checker.problems)
    for c in classes:
        c.pop("_where", None)
    return CleanStructure(scheme, rules, classes, case_types, document_types)
