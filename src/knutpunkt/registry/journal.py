"""Journal report (diarieutdrag): a diary's registrations in a period, as rows, CSV or PDF.

The web UI and the API both call these functions, so the report looks the same
wherever it is taken. Rows come from registry.queries.journal_entries, which is
already filtered by the access policy; per row the policy's field-by-field answer
(access.policy.document_view / case_view) decides what is shown: a secret title gives
way to the offentlig rubrik (the case's title likewise, by the case's own view), secret
or restricted parties are left out, a party with skyddad identitet is named only to
those with the right to see it (registry.queries.document_correspondents), and no
address ever appears. A document the reader sees masked is still listed — reference,
dates, direction, status; one they may not see at all is absent.

Row contract (each row is a dict; dates are `datetime.date`, times aware datetimes
in the local time zone):

    id               the document's UUID as a string
    reference        handlingsnummer, e.g. "KS 2026/12-3" or "KS 2026/H4"
    case_id          the case's UUID as a string, or None for a document without case
    case_reference   diarienummer, e.g. "KS 2026/12", or ""
    case_title       ärendemening (or the case's offentlig rubrik), or ""
    registered_at    when it was registered (aware datetime, local time)
    registered_date  the local date of registered_at
    document_date    handlingens datum (inkom / upprättad / expedierad)
    direction        "inkommande" | "upprattad" | "utgaende" | "intern"
    direction_label  "Inkommande" | "Upprättad" | "Utgående" | "Intern"
    document_type    the document type's title ("" unless the reader sees the document in full)
    correspondents   avsändare/mottagare as one string, names joined by "; " ("" when secret)
    title            beskrivning av handlingen (or its offentlig rubrik)
    status           "Makulerad", "Ärendet makulerat", the case's status label, or ""
    voided           True when the document or its case is voided (makulerad)
    masked           True when the reader sees the document masked, not in full
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.template.loader import render_to_string
from django.utils import timezone

from knutpunkt.access import policy
from knutpunkt.core import clock
from knutpunkt.core.errors import RuleViolation

from .models import Correspondent, Document
from .queries import document_correspondents, journal_entries

CSV_COLUMNS = [
    ("reference", "Handlingsnummer"),
    ("case_reference", "Diarienummer"),
    ("registered_date", "Registrerad"),
    ("document_date", "Handlingens datum"),
    ("direction_label", "Riktning"),
    ("document_type", "Handlingstyp"),
    ("correspondents", "Avsändare/Mottagare"),
    ("title", "Beskrivning"),
    ("case_title", "Ärendemening"),
    ("status", "Status"),
]

# Spreadsheet programs run a cell that starts with one of these as a formula
# (CSV injection); a leading apostrophe makes them text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """Rule: a journal period has a start and an end, and the start is not after the end."""
    if date_from is None:
        raise RuleViolation("Ange från-datum.", code="date_required", field="date_from")
    if date_to is None:
        raise RuleViolation("Ange till-datum.", code="date_required", field="date_to")
    if date_from > date_to:
        raise RuleViolation("Från-datum får inte vara senare än till-datum.", code="invalid_period", field="date_from")


def _correspondents(user, document: Document) -> str:
    """Avsändare/mottagare as registry.queries shows them: nothing when the reader may
    not see the parties, "Skyddad identitet" without the right (and every reveal of a
    real one audited), never an address. Incoming: who sent it; outgoing: who got it;
    both roles otherwise."""
    wanted = {
        Document.Direction.INCOMING: (Correspondent.Role.SENDER,),
        Document.Direction.OUTGOING: (Correspondent.Role.RECIPIENT,),
    }.get(document.direction, (Correspondent.Role.SENDER, Correspondent.Role.RECIPIENT))
    names = []
    for row in sorted(document_correspondents(user, document), key=lambda c: (c.role, c.pk)):
        if row.role in wanted and row.shown_name and row.shown_name not in names:
            names.append(row.shown_name)
    return "; ".join(names)


def _status(document: Document) -> str:
    if document.voided_at is not None:
        return "Makulerad"
    case = document.case
    if case is None:
        return ""
    if case.voided_at is not None:
        return "Ärendet makulerat"
    return case.get_status_display()


def _row(user, document: Document) -> dict:
    view = policy.document_view(user, document)
    case = document.case
    case_view = policy.case_view(user, case) if case is not None else None
    registered_at = timezone.localtime(document.registered_at)
    return {
        "id": str(document.pk),
        "reference": document.reference,
        "case_id": str(case.pk) if case else None,
        "case_reference": case.reference if case else "",
        "case_title": policy.shown_title(case, case_view) if case is not None and not case_view.hidden else "",
        "registered_at": registered_at,
        "registered_date": registered_at.date(),
        "document_date": document.document_date,
        "direction": document.direction,
        "direction_label": document.get_direction_display(),
        # The type says what a document is about ("Orosanmälan"): like the API, only in full view.
        "document_type": document.document_type.title if document.document_type_id and view.full else "",
        "correspondents": _correspondents(user, document),
        "title": policy.shown_title(document, view),
        "status": _status(document),
        "voided": document.voided_at is not None or bool(case and case.voided_at is not None),
        "masked": not view.full,
    }


def journal_rows(user, diary, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """The diary's registrations from date_from to date_to (both inclusive), as the
    reader may see them, oldest first."""
    check_period(date_from, date_to)
    entries = journal_entries(user, diary, date_from, date_to).select_related("case", "document_type")
    return [_row(user, document) for document in entries]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def journal_csv(user, diary, date_from: dt.date, date_to: dt.date) -> str:
    """The journal as CSV for Excel in a Swedish locale: semicolons, UTF-8 with BOM,
    CRLF line ends. The returned text starts with the BOM; encode it as UTF-8."""
    rows = journal_rows(user, diary, date_from, date_to)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([label for _key, label in CSV_COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(row[key]) for key, _label in CSV_COLUMNS])
    return out.getvalue()


def journal_filename(diary, date_from: dt.date, date_to: dt.date, extension: str) -> str:
    """A safe download name, e.g. diarieutdrag-KS-2026-01-01-2026-01-31.pdf."""
    prefix = "".join(ch for ch in diary.prefix if ch.isalnum()) or "diarium"
    return f"diarieutdrag-{prefix}-{date_from.isoformat()}-{date_to.isoformat()}.{extension}"


def journal_html(user, diary, date_from: dt.date, date_to: dt.date) -> str:
    """The HTML the PDF is printed from (also usable as a print preview)."""
    rows = journal_rows(user, diary, date_from, date_to)
    authority = diary.authority
    return render_to_string(
        "registry/journal.html",
        {
            "rows": rows,
            "diary": diary,
            "authority": authority,
            "organisation": authority.organisation,
            "date_from": date_from,
            "date_to": date_to,
            "printed_at": timezone.localtime(clock.now()),
            "count": len(rows),
        },
    )


def journal_pdf(user, diary, date_from: dt.date, date_to: dt.date) -> bytes:
    """The journal as a PDF/A-2b document, A4 landscape, with page numbers."""
    from weasyprint import HTML

    html = journal_html(user, diary, date_from, date_to)
    document = HTML(string=html, base_url=None)
    try:
        return document.write_pdf(pdf_variant="pdf/a-2b")
    except (ValueError, TypeError):
        # A WeasyPrint without the PDF/A variant still gives a usable report.
        return document.write_pdf()
