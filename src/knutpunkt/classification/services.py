"""Classification services: import and export a structure, activate a version.

A structure is never edited in place once it is in force: a change is a new version
(import, or copy the current one to a draft), checked as a whole and then activated,
which retires the version before it. Cases keep pointing at the classes they were
registered under, so retired versions stay as they were.

Every import runs `structure.validate` first and writes in one transaction: a file
with one bad row saves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import IntegrityError, transaction

from knutpunkt.core import clock
from knutpunkt.core.errors import Conflict, PermissionDenied, RuleViolation
from knutpunkt.organisations.models import Organisation
from knutpunkt.organisations.services import audit, may_manage_classification

from . import structure, tabular
from .structure import code_key
from .models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule

DEMO_STRUCTURE = Path(__file__).resolve().parent / "data" / "demo-structure.json"
FORMATS = ("json", "csv", "xlsx")


def check_may_manage(actor, organisation: Organisation) -> None:
    if not may_manage_classification(actor, organisation):
        raise PermissionDenied(
            "Du har inte behörighet att ändra klassificeringsstrukturen (kräver arkivarie, lokal administratör eller global administratör).",
            code="may_not_manage_classification",
        )


def next_version(organisation: Organisation, name: str) -> str:
    """One more than the highest numeric version of the scheme name in the organisation."""
    versions = ClassificationScheme.objects.filter(organisation=organisation, name=name).values_list("version", flat=True)
    numbers = [int(v) for v in versions if str(v).isdigit()]
    return str(max(numbers, default=0) + 1)


# --- import --------------------------------------------------------------------------

def import_structure(organisation: Organisation, data: dict, *, actor=None, activate: bool = False) -> ClassificationScheme:
    """Create a new scheme version from the exchange format (see structure.py).

    An empty version takes the next free number for the scheme's name; a version that
    already exists is refused. The new version is a draft unless activate is given.
    """
    check_may_manage(actor, organisation)
    clean = structure.validate(data, structure.ProvisionIndex.for_organisation(organisation))
    with transaction.atomic():
        scheme = _create(organisation, clean)
        audit(actor, scheme, "classification.imported", "Klassificeringsstruktur importerad",
              classes=len(clean.classes), document_types=len(clean.document_types))
        if activate:
            _activate(scheme, actor=actor)
    return scheme


def _create(organisation: Organisation, clean: structure.CleanStructure) -> ClassificationScheme:
    meta = clean.scheme
    version = meta["version"] or next_version(organisation, meta["name"])
    if ClassificationScheme.objects.filter(organisation=organisation, name=meta["name"], version=version).exists():
        raise RuleViolation(
            f"Version {version} av ”{meta['name']}” finns redan i {organisation}. Ange en ny version (eller lämna versionen tom).",
            code="scheme_version_exists", field="version",
        )
    try:
        with transaction.atomic():
            scheme = ClassificationScheme.objects.create(
                organisation=organisation, name=meta["name"], version=version,
                description=meta["description"], valid_from=meta["valid_from"], status=ClassificationScheme.Status.DRAFT,
            )
    except IntegrityError as exc:  # a concurrent import took the same version
        raise Conflict(f"Version {version} av ”{meta['name']}” skapades samtidigt av någon annan.", code="scheme_version_exists") from exc

    rules = {
        r.code: r
        for r in RetentionRule.objects.bulk_create(
            [RetentionRule(scheme=scheme, **{k: r[k] for k in ("code", "action", "period_months", "trigger", "legal_basis", "note")}) for r in clean.retention_rules]
        )
    }
    classes: dict[str, Class] = {}
    for level in Class.LEVEL_ORDER:
        rows = [c for c in clean.classes if c["level"] == level]
        created = Class.objects.bulk_create([
            Class(scheme=scheme, level=c["level"], code=c["code"], title=c["title"], description=c["description"],
                  parent=classes[c["parent"]] if c["parent"] else None)
            for c in rows
        ])
        classes.update({c.code: c for c in created})
    case_types = CaseType.objects.bulk_create([
        CaseType(process=classes[t["process"]], code=t["code"], title=t["title"], description=t["description"],
                 handling_days=t["handling_days"], **_marking_fields(t))
        for t in clean.case_types
    ])
    document_types = DocumentType.objects.bulk_create([
        DocumentType(process=classes[t["process"]], code=t["code"], title=t["title"], description=t["description"],
                     registration=t["registration"], retention_rule=rules[t["retention_rule"]], **_marking_fields(t))
        for t in clean.document_types
    ])
    for model, created, cleaned in ((CaseType, case_types, clean.case_types), (DocumentType, document_types, clean.document_types)):
        _set_default_provisions(model, created, cleaned)
    return scheme


def _marking_fields(cleaned: dict) -> dict:
    marking = cleaned.get("default_marking") or {}
    return {
        "default_secret_parts": marking.get("parts", []),
        "default_public_title": marking.get("public_title", ""),
        "default_personal_data_level": marking.get("personal_data_level", ""),
    }


def _set_default_provisions(model, created: list, cleaned: list[dict]) -> None:
    through = model.default_provisions.through
    owner = f"{model._meta.model_name}_id"
    links = [
        through(**{owner: obj.pk, "legalprovision_id": provision_id})
        for obj, entry in zip(created, cleaned)
        for provision_id in (entry.get("default_marking") or {}).get("provisions", [])
    ]
    through.objects.bulk_create(links)


def import_file(organisation: Organisation, path, *, actor=None, activate: bool = False, name: str | None = None,
                version: str | None = None) -> ClassificationScheme:
    """Import a .json, .csv or .xlsx file (by its extension)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise RuleViolation(f"Okänt filformat ”{path.suffix}”: använd .json, .csv eller .xlsx.", code="unknown_format", field="file")
    with open(path, "rb") as fh:
        return import_stream(organisation, fh, kind, actor=actor, activate=activate, name=name, version=version)


def import_stream(organisation: Organisation, stream, kind: str, *, actor=None, activate: bool = False,
                  name: str | None = None, version: str | None = None) -> ClassificationScheme:
    """Import from an open binary file of the given kind (json, csv or xlsx).

    name and version override what the file says; a spreadsheet has no scheme
    metadata, so its name defaults to the organisation's current scheme name."""
    check_may_manage(actor, organisation)
    if kind == "json":
        data = read_json(stream.read())
    elif kind == "csv":
        data = tabular.read_csv(stream.read())
    elif kind == "xlsx":
        data = tabular.read_xlsx(stream)
    else:
        raise RuleViolation(f"Okänt filformat ”{kind}”: använd json, csv eller xlsx.", code="unknown_format", field="file")
    scheme_meta = data.setdefault("scheme", {}) if isinstance(data, dict) else {}
    if isinstance(scheme_meta, dict):
        if name:
            scheme_meta["name"] = name
        elif not scheme_meta.get("name"):
            scheme_meta["name"] = _current_name(organisation)
        if version is not None:
            scheme_meta["version"] = version
    return import_structure(organisation, data, actor=actor, activate=activate)


def _current_name(organisation: Organisation) -> str:
    schemes = ClassificationScheme.objects.filter(organisation=organisation)
    current = schemes.filter(status=ClassificationScheme.Status.ACTIVE).first() or schemes.order_by("-id").first()
    return current.name if current else "Klassificeringsstruktur"


def read_json(raw: bytes | str) -> dict:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8-sig", errors="strict")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise RuleViolation(f"Filen är inte giltig JSON (rad {getattr(exc, 'lineno', '?')}): {exc}", code="invalid_json", field="file") from exc


def load_demo_structure(organisation: Organisation, *, activate: bool = True) -> ClassificationScheme:
    """Load our demo structure (data/demo-structure.json) into an organisation.

    Loading it again returns the version already there (activated if asked)."""
    data = read_json(DEMO_STRUCTURE.read_bytes())
    existing = ClassificationScheme.objects.filter(
        organisation=organisation, name=data["scheme"]["name"], version=str(data["scheme"]["version"])
    ).first()
    if existing is not None:
        if activate and existing.status != ClassificationScheme.Status.ACTIVE:
            activate_scheme(existing, actor=None)
            existing.refresh_from_db()
        return existing
    return import_structure(organisation, data, activate=activate)


# --- versions ------------------------------------------------------------------------

def activate_scheme(scheme: ClassificationScheme, *, actor) -> ClassificationScheme:
    """Put a version in force; the version in force before it is retired (valid_to today)."""
    check_may_manage(actor, scheme.organisation)
    with transaction.atomic():
        _activate(scheme, actor=actor)
    return scheme


def _activate(scheme: ClassificationScheme, *, actor) -> None:
    # Lock the organisation's schemes so two activations cannot both retire the same one.
    schemes = list(ClassificationScheme.objects.select_for_update().filter(organisation_id=scheme.organisation_id))
    current = next((s for s in schemes if s.pk == scheme.pk), None)
    if current is None:
        raise RuleViolation("Strukturen finns inte.", code="scheme_missing")
    if current.status == ClassificationScheme.Status.ACTIVE:
        return
    if not Class.objects.filter(scheme=scheme, level=Class.Level.PROCESS).exists():
        raise RuleViolation(f"{scheme.name} v{scheme.version} har inga processer och kan inte börja gälla.", code="scheme_empty")
    today = clock.today()
    for other in schemes:
        if other.status == ClassificationScheme.Status.ACTIVE:
            other.status = ClassificationScheme.Status.RETIRED
            other.valid_to = today
            other.save(update_fields=["status", "valid_to"])
            audit(actor, other, "classification.retired", f"Klassificeringsstruktur upphörd (ersatt av version {scheme.version})")
    scheme.status = ClassificationScheme.Status.ACTIVE
    scheme.valid_from = scheme.valid_from if scheme.valid_from and scheme.valid_from <= today else today
    scheme.valid_to = None
    try:
        with transaction.atomic():
            scheme.save(update_fields=["status", "valid_from", "valid_to"])
    except IntegrityError as exc:
        raise Conflict("En annan version aktiverades samtidigt. Försök igen.", code="scheme_activation_conflict") from exc
    audit(actor, scheme, "classification.activated", "Klassificeringsstruktur aktiverad")


def copy_scheme(scheme: ClassificationScheme, *, actor, version: str | None = None) -> ClassificationScheme:
    """A new draft version with the same content, to be changed and then activated."""
    data = export_structure(scheme)
    data["scheme"]["version"] = version or ""
    data["scheme"]["valid_from"] = None
    return import_structure(scheme.organisation, data, actor=actor)


@transaction.atomic
def discard_draft(scheme: ClassificationScheme, *, actor) -> None:
    """Delete a draft that never came into force (nothing can point at it)."""
    check_may_manage(actor, scheme.organisation)
    scheme = ClassificationScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != ClassificationScheme.Status.DRAFT:
        raise RuleViolation("Bara utkast kan tas bort; en version som har gällt finns kvar.", code="scheme_not_draft")
    audit(actor, scheme, "classification.draft_discarded", "Utkast till klassificeringsstruktur borttaget")
    DocumentType.objects.filter(process__scheme=scheme).delete()
    CaseType.objects.filter(process__scheme=scheme).delete()
    for level in reversed(Class.LEVEL_ORDER):
        Class.objects.filter(scheme=scheme, level=level).delete()
    RetentionRule.objects.filter(scheme=scheme).delete()
    scheme.delete()


# --- export --------------------------------------------------------------------------

def export_structure(scheme: ClassificationScheme) -> dict:
    """The scheme in the exchange format; import_structure(export_structure(s)) gives the same structure."""
    classes = _tree_order(list(Class.objects.filter(scheme=scheme).select_related("parent")))
    return {
        "scheme": {
            "name": scheme.name,
            "version": scheme.version,
            "description": scheme.description,
            "valid_from": scheme.valid_from.isoformat() if scheme.valid_from else None,
        },
        "retention_rules": [
            {"code": r.code, "action": r.action, "period_months": r.period_months, "trigger": r.trigger,
             "legal_basis": r.legal_basis, "note": r.note}
            for r in sorted(RetentionRule.objects.filter(scheme=scheme), key=lambda r: code_key(r.code))
        ],
        "classes": [
            {"code": c.code, "level": c.level, "title": c.title, "description": c.description,
             "parent": c.parent.code if c.parent_id else None}
            for c in classes
        ],
        "case_types": [
            {"process": t.process.code, "code": t.code, "title": t.title, "description": t.description, "handling_days": t.handling_days,
             **_exported_marking(t)}
            for t in sorted(
                CaseType.objects.filter(process__scheme=scheme).select_related("process").prefetch_related("default_provisions"),
                key=lambda t: (code_key(t.process.code), code_key(t.code)),
            )
        ],
        "document_types": [
            {"process": t.process.code, "code": t.code, "title": t.title, "description": t.description,
             "registration": t.registration, "retention_rule": t.retention_rule.code, **_exported_marking(t)}
            for t in sorted(
                DocumentType.objects.filter(process__scheme=scheme).select_related("process", "retention_rule")
                .prefetch_related("default_provisions"),
                key=lambda t: (code_key(t.process.code), code_key(t.code)),
            )
        ],
    }


def _provision_order(p):
    digits = "".join(ch for ch in p.paragraph if ch.isdigit()) if p.paragraph[:1].isdigit() else ""
    return (p.law != "OSL", p.law, p.chapter or 0, int(digits) if digits else 0, p.paragraph, p.reference)


def _exported_marking(t) -> dict:
    """{"default_marking": {…}} for a type that has one, else nothing (the key is optional)."""
    provisions = sorted(t.default_provisions.all(), key=_provision_order)
    if not (t.has_default_marking or provisions or t.default_public_title):
        return {}
    return {"default_marking": {
        "provisions": [structure.provision_label(p) for p in provisions],
        "parts": [p for p in structure.SECRET_PARTS if p in (t.default_secret_parts or [])],
        "public_title": t.default_public_title,
        "personal_data_level": t.default_personal_data_level,
    }}


def _tree_order(classes: list[Class]) -> list[Class]:
    """Each class followed by its children, siblings by code (1.2 before 1.10)."""
    children: dict[int | None, list[Class]] = {}
    for c in classes:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[Class] = []

    def walk(parent_id):
        for c in sorted(children.get(parent_id, []), key=lambda c: code_key(c.code)):
            ordered.append(c)
            walk(c.pk)

    walk(None)
    return ordered


def export_json(scheme: ClassificationScheme) -> bytes:
    return (json.dumps(export_structure(scheme), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_csv(scheme: ClassificationScheme) -> bytes:
    return tabular.write_csv(export_structure(scheme))


def export_xlsx(scheme: ClassificationScheme) -> bytes:
    return tabular.write_xlsx(export_structure(scheme))


def export_as(scheme: ClassificationScheme, kind: str) -> bytes:
    writers = {"json": export_json, "csv": export_csv, "xlsx": export_xlsx}
    if kind not in writers:
        raise RuleViolation(f"Okänt format ”{kind}”: använd json, csv eller xlsx.", code="unknown_format")
    return writers[kind](scheme)


def export_filename(scheme: ClassificationScheme, kind: str) -> str:
    from django.utils.text import slugify

    return f"{slugify(scheme.organisation.short_name)}-{slugify(scheme.name) or 'struktur'}-v{slugify(scheme.version)}.{kind}"
