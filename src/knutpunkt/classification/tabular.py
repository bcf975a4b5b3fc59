"""The structure as a spreadsheet, in the layout of a KLASSA-based
informationshanteringsplan: one row per handlingstyp, with the four levels above it
spelled out on each row.

Reading is lenient in the ways real plans differ — ; or , or tab, UTF-8 with or without
BOM (or Windows-1252), title rows above the header, header spelling, merged cells
(an empty level is taken from the row above), Swedish retention phrases — and strict
about meaning: a row it cannot understand is an error naming the row, never a guess.

Rows come in three kinds:
- a handlingstyp row (Handlingstyp filled; Ärendetyp may be filled too),
- an ärendetyp row (Ärendetyp filled, no Handlingstyp),
- a class row (neither): the deepest level filled is the class the row is about, and
  its Anmärkning is that class's description. Export writes these for processes
  without types and for classes with a description, so nothing is lost on the way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata

from . import retention, structure

LEVEL_KEYS = [("vt_code", "vt"), ("vo_code", "vo"), ("pg_code", "pg"), ("p_code", "p")]

COLUMNS = [
    ("vt_code", "Verksamhetstyp-kod"), ("vt", "Verksamhetstyp"),
    ("vo_code", "Verksamhetsområde-kod"), ("vo", "Verksamhetsområde"),
    ("pg_code", "Processgrupp-kod"), ("pg", "Processgrupp"),
    ("p_code", "Process-kod"), ("p", "Process"),
    ("ct_code", "Ärendetyp-kod"), ("ct", "Ärendetyp"),
    ("dt_code", "Handlingstyp-kod"), ("dt", "Handlingstyp"),
    ("registration", "Registrering"),
    ("action", "Bevaras/Gallras"), ("period", "Gallringsfrist"), ("trigger", "Räknas från"),
    ("note", "Anmärkning"),
    # Not in every plan; written so an export reads back exactly.
    ("handling_days", "Handläggningstid (dagar)"), ("rule_code", "Regelkod"), ("legal_basis", "Lagrum/beslut"),
    # The type's default marking (a proposal at registration, see structure.py).
    ("marking_provisions", "Förvald sekretess (lagrum)"), ("marking_parts", "Sekretessbelagda delar"),
    ("marking_public_title", "Offentlig rubrik"), ("marking_level", "Personuppgiftsskydd"),
]
MARKING_COLUMNS = ("marking_provisions", "marking_parts", "marking_public_title", "marking_level")
HEADERS = [label for _, label in COLUMNS]
REQUIRED = [key for pair in LEVEL_KEYS for key in pair]

_ALIASES = {
    "vt_code": ["verksamhetstypkod", "kodverksamhetstyp"],
    "vt": ["verksamhetstyp"],
    "vo_code": ["verksamhetsomradekod", "kodverksamhetsomrade"],
    "vo": ["verksamhetsomrade"],
    "pg_code": ["processgruppkod", "kodprocessgrupp"],
    "pg": ["processgrupp"],
    "p_code": ["processkod", "kodprocess"],
    "p": ["process"],
    "ct_code": ["arendetypkod", "kodarendetyp"],
    "ct": ["arendetyp"],
    "dt_code": ["handlingstypkod", "kodhandlingstyp"],
    "dt": ["handlingstyp", "handlingstyper"],
    "registration": ["registrering", "registreringsform", "diariefors", "diarieforshallsordnad", "diarieforingshallsordnad"],
    "action": ["bevarasgallras", "bevarandegallring", "bevarasellergallras", "bg", "bevarande", "gallring", "atgard"],
    "period": ["gallringsfrist", "frist", "bevarandegallringsfrist"],
    "trigger": ["raknasfran", "utgangspunkt", "fristenraknasfran"],
    "note": ["anmarkning", "anmarkningar", "kommentar", "kommentarer"],
    "handling_days": ["handlaggningstiddagar", "handlaggningstid"],
    "rule_code": ["regelkod", "gallringsregelkod", "bevarandekod"],
    "legal_basis": ["lagrumbeslut", "lagrum", "gallringsbeslut", "beslut", "stod", "lagstod"],
    "marking_provisions": ["forvaldsekretesslagrum", "forvaldsekretess", "sekretesslagrum", "sekretess", "osl"],
    "marking_parts": ["sekretessbelagdadelar", "sekretessbelagdadel", "sekretessdelar"],
    "marking_public_title": ["offentligrubrik", "alternativtext"],
    "marking_level": ["personuppgiftsskydd", "gdprskydd", "skyddavpersonuppgifter"],
}
_HEADER_TO_KEY = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}

_REGISTRATION = {
    "diariefors": "diariefors", "diarieforas": "diariefors", "diarieforing": "diariefors", "d": "diariefors", "ja": "diariefors",
    "registreras": "diariefors", "diarieforsi": "diariefors",
    "hallsordnad": "halls_ordnad", "hallsordnat": "halls_ordnad", "hallsordnade": "halls_ordnad", "h": "halls_ordnad",
    "ordnas": "halls_ordnad", "ordnad": "halls_ordnad", "nej": "halls_ordnad", "registrerasej": "halls_ordnad",
}
_REGISTRATION_LABEL = {"diariefors": "Diarieförs", "halls_ordnad": "Hålls ordnad"}

# Secret parts and personal-data levels as a plan writes them (Swedish), and back.
_PART_LABEL = {"title": "rubrik", "description": "beskrivning", "parties": "parter", "files": "filer"}
_PART = {
    "rubrik": "title", "rubriken": "title", "arendemening": "title", "title": "title",
    "beskrivning": "description", "beskrivningen": "description", "description": "description",
    "parter": "parties", "parterna": "parties", "part": "parties", "parties": "parties",
    "filer": "files", "filerna": "files", "fil": "files", "files": "files",
}
_LEVEL_LABEL = {"publicerbar": "Får publiceras", "skyddad_externt": "Skyddad externt", "skyddad": "Skyddad"}
_LEVEL = {
    "publicerbar": "publicerbar", "farpubliceras": "publicerbar",
    "skyddadexternt": "skyddad_externt", "skyddadexterntaldrigpawebben": "skyddad_externt",
    "skyddad": "skyddad", "skyddadendasthandlaggareochregistratorer": "skyddad",
}


def _split(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,\n]", value or "") if item.strip()]


def _marking(v: dict) -> dict | None:
    """A row's default-marking cells as the exchange format's default_marking. Words it
    does not know are passed on as written, so structure.validate names them."""
    if not any(v.get(key) for key in MARKING_COLUMNS):
        return None
    level = v.get("marking_level", "")
    return {
        "provisions": _split(v.get("marking_provisions", "")),
        "parts": [_PART.get(_squash(part), part) for part in _split(v.get("marking_parts", ""))],
        "public_title": v.get("marking_public_title", ""),
        "personal_data_level": _LEVEL.get(_squash(level), level) if level else "",
    }


def _marking_cells(marking: dict | None) -> dict:
    if not marking:
        return {}
    level = marking.get("personal_data_level") or ""
    return {
        "marking_provisions": "; ".join(marking.get("provisions") or []),
        "marking_parts": ", ".join(_PART_LABEL.get(p, p) for p in marking.get("parts") or []),
        "marking_public_title": marking.get("public_title") or "",
        "marking_level": _LEVEL_LABEL.get(level, level),
    }


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


# --- reading ---------------------------------------------------------------------------

def _find_header(rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    for index, (_, cells) in enumerate(rows[:30]):
        mapping = {}
        for col, value in enumerate(cells):
            key = _HEADER_TO_KEY.get(_squash(value))
            if key and key not in mapping:
                mapping[key] = col
        if "p_code" in mapping and ("dt" in mapping or "p" in mapping):
            missing = [label for key, label in COLUMNS if key in REQUIRED and key not in mapping]
            if missing:
                structure.raise_problems([f"Rubrikraden (rad {rows[index][0]}): kolumnen ”{m}” saknas." for m in missing], code="invalid_spreadsheet")
            return index, mapping
    structure.raise_problems(
        ["Filen saknar en rubrikrad med kolumnerna " + ", ".join(f"”{h}”" for h in HEADERS[:12]) + " m.fl."], code="invalid_spreadsheet"
    )
    raise AssertionError  # unreachable: raise_problems raised


def rows_to_structure(rows: list[tuple[int, list]], scheme: dict | None = None) -> dict:
    """Turn numbered spreadsheet rows (line number, cells) into the exchange format."""
    rows = [(n, [_cell(v) for v in cells]) for n, cells in rows]
    start, mapping = _find_header(rows)
    reader = _RowReader()
    for line, cells in rows[start + 1:]:
        values = {key: (cells[col] if col < len(cells) else "") for key, col in mapping.items()}
        if not any(values.values()):
            continue
        reader.read(line, values)
    return reader.result(scheme or {})


class _RowReader:
    def __init__(self):
        self.problems: list[str] = []
        self.classes: dict[str, dict] = {}  # code -> entry (insertion order = file order)
        self.class_line: dict[str, int] = {}
        self.previous: list[tuple[str, str]] | None = None
        self.case_types: dict[tuple[str, str], dict] = {}
        self.document_types: dict[tuple[str, str], dict] = {}
        self.untyped_documents: list[dict] = []
        self.rules: dict[str, tuple[retention.Retention, str, int]] = {}  # code -> (rule, legal basis, line)
        self.generated_rules: dict[tuple[retention.Retention, str], str] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"Rad {line}: {message}")

    def read(self, line: int, v: dict) -> None:
        levels = [(v.get(code_key, ""), v.get(title_key, "")) for code_key, title_key in LEVEL_KEYS]
        has_types = bool(v.get("ct_code") or v.get("ct") or v.get("dt_code") or v.get("dt"))
        filled = [i for i, (code, title) in enumerate(levels) if code or title]
        deepest = 3 if has_types else (max(filled) if filled else -1)
        if deepest < 0:
            self.problem(line, "raden saknar både klass och handlingstyp.")
            return
        for i in range(deepest + 1):
            code, title = levels[i]
            if not code and not title:
                if self.previous is None or len(self.previous) <= i:
                    self.problem(line, f"{structure.LEVEL_NAMES[structure.LEVELS[i]]} saknas.")
                    return
                levels[i] = self.previous[i]
        levels = levels[: deepest + 1]
        parent = None
        for i, (code, title) in enumerate(levels):
            if not self._class(line, i, code, title, parent):
                return
            parent = code
        self.previous = levels

        if has_types:
            self._types(line, levels[3][0], v)
        else:
            if v.get("action") or v.get("period") or v.get("trigger") or v.get("rule_code"):
                self.problem(line, "bevarande och gallring anges för en handlingstyp, men raden har ingen handlingstyp.")
            if any(v.get(key) for key in MARKING_COLUMNS):
                self.problem(line, "förvald sekretess anges för en ärende- eller handlingstyp, men raden har ingen.")
            if v.get("note"):
                entry = self.classes[levels[-1][0]]
                if entry["description"] and entry["description"] != v["note"]:
                    self.problem(line, f"klassen ”{entry['code']}” har redan en annan anmärkning.")
                entry["description"] = v["note"]

    def _class(self, line: int, depth: int, code: str, title: str, parent: str | None) -> bool:
        level = structure.LEVELS[depth]
        name = structure.LEVEL_NAMES[level]
        if not code:
            self.problem(line, f"{name} ”{title}” saknar kod.")
            return False
        known = self.classes.get(code)
        if known is None:
            if not title:
                self.problem(line, f"{name} ”{code}” saknar benämning.")
                return False
            self.classes[code] = {"code": code, "level": level, "title": title, "description": "", "parent": parent, "_source": f"rad {line}"}
            self.class_line[code] = line
            return True
        first = self.class_line[code]
        if known["level"] != level:
            self.problem(line, f"koden ”{code}” är {structure.LEVEL_NAMES[known['level']].lower()} på rad {first} men {name.lower()} här.")
            return False
        if title and title != known["title"]:
            self.problem(line, f"koden ”{code}” heter ”{known['title']}” på rad {first} men ”{title}” här.")
            return False
        if known["parent"] != parent:
            self.problem(line, f"klassen ”{code}” ligger under ”{known['parent']}” på rad {first} men under ”{parent}” här.")
            return False
        return True

    def _types(self, line: int, process: str, v: dict) -> None:
        has_document = bool(v.get("dt_code") or v.get("dt"))
        if v.get("ct_code") or v.get("ct"):
            self._case_type(line, process, v, with_note=not has_document)
        if has_document:
            self._document_type(line, process, v)

    def _case_type(self, line: int, process: str, v: dict, *, with_note: bool) -> None:
        code, title = v.get("ct_code", ""), v.get("ct", "")
        days = None
        if v.get("handling_days"):
            match = re.fullmatch(r"(\d+)\s*(dagar|dgr|d)?", v["handling_days"].strip().lower())
            if not match:
                self.problem(line, f"handläggningstiden ”{v['handling_days']}” ska vara ett antal dagar.")
                return
            days = int(match.group(1))
        key = (process, code or f"title:{title}")
        # On a row that also names a handlingstyp, the marking columns are the handlingstyp's.
        marking = _marking(v) if with_note else None
        entry = {"process": process, "code": code, "title": title, "description": v.get("note", "") if with_note else "",
                 "handling_days": days, "_source": f"rad {line}"}
        if marking:
            entry["default_marking"] = marking
        known = self.case_types.get(key)
        if known is None:
            if not title:
                self.problem(line, f"ärendetypen ”{code}” saknar benämning.")
                return
            self.case_types[key] = entry
            return
        if marking and known.get("default_marking") not in (None, marking):
            self.problem(line, f"ärendetypen ”{code}” har en annan förvald sekretess på {known['_source']}.")
        elif marking:
            known["default_marking"] = marking
        if title and title != known["title"]:
            self.problem(line, f"ärendetypen ”{code}” heter ”{known['title']}” på {known['_source']} men ”{title}” här.")
        if days is not None and known["handling_days"] is not None and days != known["handling_days"]:
            self.problem(line, f"ärendetypen ”{code}” har en annan handläggningstid på {known['_source']}.")
        if days is not None:
            known["handling_days"] = days
        if entry["description"] and not known["description"]:
            known["description"] = entry["description"]

    def _document_type(self, line: int, process: str, v: dict) -> None:
        code, title = v.get("dt_code", ""), v.get("dt", "")
        if not title:
            self.problem(line, f"handlingstypen ”{code}” saknar benämning.")
            return
        registration = _REGISTRATION.get(_squash(v.get("registration", "")) or "diariefors")
        if registration is None:
            self.problem(line, f"registreringen ”{v['registration']}” ska vara ”Diarieförs” eller ”Hålls ordnad”.")
            return
        try:
            rule = retention.parse(v.get("action", ""), v.get("period", ""), v.get("trigger", ""))
        except ValueError as exc:
            self.problem(line, f"bevarande/gallring: {exc}.")
            return
        rule_code = self._rule_code(line, rule, v.get("rule_code", ""), v.get("legal_basis", ""))
        if rule_code is None:
            return
        entry = {"process": process, "code": code, "title": title, "description": v.get("note", ""),
                 "registration": registration, "retention_rule": rule_code, "_source": f"rad {line}"}
        marking = _marking(v)
        if marking:
            entry["default_marking"] = marking
        if not code:
            self.untyped_documents.append(entry)
            return
        known = self.document_types.get((process, code))
        if known is None:
            self.document_types[(process, code)] = entry
        elif any(known.get(k) != entry.get(k) for k in ("title", "description", "registration", "retention_rule", "default_marking")):
            self.problem(line, f"handlingstypen ”{code}” finns redan i process ”{process}” ({known['_source']}) med andra uppgifter.")

    def _rule_code(self, line: int, rule: retention.Retention, code: str, legal_basis: str) -> str | None:
        if code:
            known = self.rules.get(code)
            if known is None:
                self.rules[code] = (rule, legal_basis, line)
            elif known[0] != rule:
                self.problem(line, f"regelkoden ”{code}” betyder ”{known[0].describe()}” på rad {known[2]} men ”{rule.describe()}” här.")
                return None
            elif legal_basis and known[1] and legal_basis != known[1]:
                self.problem(line, f"regelkoden ”{code}” har ett annat lagrum/beslut på rad {known[2]}.")
                return None
            elif legal_basis and not known[1]:
                self.rules[code] = (rule, legal_basis, known[2])
            return code
        key = (rule, legal_basis)
        if key not in self.generated_rules:
            base = rule.default_code()
            candidate, n = base, 1
            while candidate in self.rules or candidate in self.generated_rules.values():
                n += 1
                candidate = f"{base}-{n}"
            self.generated_rules[key] = candidate
        return self.generated_rules[key]

    def result(self, scheme: dict) -> dict:
        # Codes given in the file win; rows without one get the next free H01, H02 …
        # (A01 … for ärendetyper) within their process.
        for entry in self.untyped_documents:
            used = {c for (p, c) in self.document_types if p == entry["process"]}
            duplicate = next((d for (p, _), d in self.document_types.items() if p == entry["process"] and d["title"] == entry["title"]), None)
            if duplicate is not None:
                self.problems.append(f"{entry['_source'].capitalize()}: handlingstypen ”{entry['title']}” finns redan i process ”{entry['process']}” ({duplicate['_source']}).")
                continue
            n = 1
            while f"H{n:02d}" in used:
                n += 1
            entry["code"] = f"H{n:02d}"
            self.document_types[(entry["process"], entry["code"])] = entry
        case_types = []
        for (process, key), entry in self.case_types.items():
            if not entry["code"]:
                used = {t["code"] for t in case_types if t["process"] == process} | {
                    c for (p, c) in self.case_types if p == process and not c.startswith("title:")
                }
                n = 1
                while f"A{n:02d}" in used:
                    n += 1
                entry["code"] = f"A{n:02d}"
            case_types.append(entry)
        structure.raise_problems(self.problems, code="invalid_spreadsheet")
        rules = {code: (rule, basis) for code, (rule, basis, _) in self.rules.items()}
        rules.update({code: key for key, code in self.generated_rules.items()})
        return {
            "scheme": dict(scheme),
            "retention_rules": [
                {"code": code, "action": rule.action, "period_months": rule.period_months, "trigger": rule.trigger, "legal_basis": basis, "note": ""}
                for code, (rule, basis) in rules.items()
            ],
            "classes": list(self.classes.values()),
            "case_types": case_types,
            "document_types": list(self.document_types.values()),
        }


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves "CSV (semikolonavgränsad)" as Windows-1252.
        return raw.decode("cp1252", errors="replace")


def read_csv(raw: bytes | str) -> dict:
    text = _decode(raw) if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    header_line = next((ln for ln in text.splitlines() if "process" in ln.lower()), text.splitlines()[0] if text.strip() else "")
    delimiter = max([";", ",", "\t"], key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        structure.raise_problems([f"Rad {reader.line_num}: filen kan inte läsas som CSV ({exc})."], code="invalid_spreadsheet")
    return rows_to_structure(rows)


SCHEME_SHEET = "Om strukturen"
_SCHEME_FIELDS = [("name", "Namn"), ("version", "Version"), ("description", "Beskrivning"), ("valid_from", "Gäller från")]


def read_xlsx(stream) -> dict:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        structure.raise_problems([f"Filen kunde inte läsas som Excel-fil (xlsx): {exc}"], code="invalid_spreadsheet")
    try:
        scheme = {}
        if SCHEME_SHEET in workbook.sheetnames:
            labels = {_squash(label): key for key, label in _SCHEME_FIELDS}
            for row in workbook[SCHEME_SHEET].iter_rows(values_only=True):
                if row and len(row) >= 2 and _squash(_cell(row[0])) in labels:
                    scheme[labels[_squash(_cell(row[0]))]] = _cell(row[1])
        sheets = [ws for ws in workbook.worksheets if ws.title != SCHEME_SHEET]
        last_error = None
        for sheet in sheets:
            rows = [(i, list(cells)) for i, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
            try:
                return rows_to_structure(rows, scheme)
            except Exception as exc:  # noqa: BLE001 - try the next sheet, report the first sheet's error
                if getattr(exc, "code", "") != "invalid_spreadsheet" or "rubrikrad" not in str(exc).lower():
                    raise
                last_error = last_error or exc
        if last_error:
            raise last_error
        structure.raise_problems(["Excel-filen har inga blad."], code="invalid_spreadsheet")
    finally:
        workbook.close()


# --- writing ---------------------------------------------------------------------------

def structure_to_rows(data: dict) -> list[list[str]]:
    """Rows (without header) in tree order for an exported structure."""
    classes = data["classes"]
    children: dict[str | None, list[dict]] = {}
    for c in classes:
        children.setdefault(c["parent"], []).append(c)
    case_types: dict[str, list[dict]] = {}
    for t in data["case_types"]:
        case_types.setdefault(t["process"], []).append(t)
    document_types: dict[str, list[dict]] = {}
    for t in data["document_types"]:
        document_types.setdefault(t["process"], []).append(t)
    rules = {r["code"]: r for r in data["retention_rules"]}
    rows: list[list[str]] = []

    def row(path: list[dict], **values) -> None:
        cells = {}
        for (code_key, title_key), c in zip(LEVEL_KEYS, path):
            cells[code_key], cells[title_key] = c["code"], c["title"]
        cells.update(values)
        rows.append([str(cells.get(key, "") if cells.get(key) is not None else "") for key, _ in COLUMNS])

    def walk(node: dict, path: list[dict]) -> None:
        path = path + [node]
        kids = children.get(node["code"], [])
        cts, dts = case_types.get(node["code"], []), document_types.get(node["code"], [])
        if node["description"] or not (kids or cts or dts):
            row(path, note=node["description"])
        for t in cts:
            row(path, ct_code=t["code"], ct=t["title"], note=t["description"], handling_days=t["handling_days"],
                **_marking_cells(t.get("default_marking")))
        for t in dts:
            rule = rules[t["retention_rule"]]
            action, period, trigger = retention.columns(rule["action"], rule["period_months"], rule["trigger"])
            row(path, dt_code=t["code"], dt=t["title"], registration=_REGISTRATION_LABEL[t["registration"]],
                action=action, period=period, trigger=trigger, note=t["description"], rule_code=rule["code"],
                legal_basis=rule["legal_basis"], **_marking_cells(t.get("default_marking")))
        for kid in kids:
            walk(kid, path)

    for root in children.get(None, []):
        walk(root, [])
    return rows


def write_csv(data: dict, *, delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(structure_to_rows(data))
    # The BOM makes Excel read the file as UTF-8 (å, ä, ö).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Klassificering"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in structure_to_rows(data):
        sheet.append(values)
    for col, header in enumerate(HEADERS, start=1):
        width = 14 if header.endswith("-kod") else 32
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet(SCHEME_SHEET)
    for key, label in _SCHEME_FIELDS:
        about.append([label, data["scheme"].get(key) or ""])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
