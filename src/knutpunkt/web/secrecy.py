"""Secrecy on the staff pages: what the "Sekretess och åtkomst" panel shows, the
proposals a registration starts from, and applying what the registrator chose.

The rules live in registry.secrecy (and files.services for single files); this module
only reads what they wrote and calls them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from knutpunkt.access import policy
from knutpunkt.access.models import SECRET_PARTS, AccessGroup, LegalProvision, PersonalDataLevel
from knutpunkt.core import clock
from knutpunkt.organisations.models import Role
from knutpunkt.registry import secrecy as registry_secrecy
from knutpunkt.registry.models import CaseParty, Correspondent, Document

PART_LABELS = dict(SECRET_PARTS)  # title → "rubriken", …
PART_CHOICES = [(key, label.capitalize()) for key, label in SECRET_PARTS]

PERSONAL_DATA_CHOICES = [
    (PersonalDataLevel.PUBLISHABLE, "Får publiceras"),
    (PersonalDataLevel.EXTERNAL, "Skyddad externt"),
    (PersonalDataLevel.PROTECTED, "Skyddad"),
]
PERSONAL_DATA_HINTS = {
    PersonalDataLevel.PUBLISHABLE: "Inga särskilda begränsningar.",
    PersonalDataLevel.EXTERNAL: "Syns för myndighetens personal men aldrig på webben eller i öppna data.",
    PersonalDataLevel.PROTECTED: "Parterna syns bara för handläggare och registratorer i diariet.",
}
PERSONAL_DATA_LABELS = dict(PERSONAL_DATA_CHOICES)

OPEN, RESTRICTED = "oppen", "begransad"
RESTRICTION_CHOICES = [
    (OPEN, "Öppen för myndighetens personal"),
    (RESTRICTED, "Begränsad"),
]
RESTRICTION_HINTS = {
    OPEN: "Alla med en roll i diariet ser det, efter sekretessmarkeringen.",
    RESTRICTED: "Bara handläggaren, diariets registratorer och de åtkomstgrupper du väljer ser det fullt. Övriga ser det maskerat.",
}

PROTECTED_IDENTITY_WARNING = "lämna inte ut adress eller kontaktuppgifter"


# --- code lists ------------------------------------------------------------------------

def usable(provision: LegalProvision, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return provision.active and not (provision.valid_to and provision.valid_to < today)


def _paragraph_key(paragraph: str) -> tuple[int, str]:
    match = re.match(r"(\d+)\s*(.*)", paragraph or "")
    return (int(match.group(1)), match.group(2)) if match else (0, paragraph or "")


def sort_provisions(provisions) -> list[LegalProvision]:
    """By law, chapter and paragraph as numbers (the database orders "13" before "8")."""
    return sorted(provisions, key=lambda p: (p.law, p.chapter or 999, _paragraph_key(p.paragraph), p.reference))


def provision_label(provision: LegalProvision, today: dt.date | None = None) -> str:
    label = f"{provision.law} {provision.reference} – {provision.short_title}"
    if not usable(provision, today):
        label += " (gäller inte längre)"
    elif provision.needs_verification:
        label += " (behöver kontrolleras)"
    return label


def provisions_of(organisation_ids) -> "QuerySet[LegalProvision]":  # noqa: F821
    """Every provision the organisations may cite: their own and the shared ones (also
    retired ones, so the service can say why one is refused)."""
    return LegalProvision.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=list(organisation_ids)))


def provision_choices(organisation_ids, keep=()) -> list[tuple[str, str]]:
    """The usable provisions, ordered by chapter, and any in `keep` (already chosen)."""
    keep_ids = {str(getattr(p, "pk", p)) for p in keep}
    today = clock.today()
    rows = [p for p in provisions_of(organisation_ids) if usable(p, today) or str(p.pk) in keep_ids]
    return [(str(p.pk), provision_label(p, today)) for p in sort_provisions(rows)]


def access_groups_of(authority_ids) -> "QuerySet[AccessGroup]":  # noqa: F821
    return AccessGroup.objects.filter(authority_id__in=list(authority_ids)).select_related("authority").order_by("authority__code", "name")


def group_choices(authority_ids, keep=(), *, with_authority: bool = False) -> list[tuple[str, str]]:
    keep_ids = {str(getattr(g, "pk", g)) for g in keep}
    rows = [g for g in access_groups_of(authority_ids) if g.active or str(g.pk) in keep_ids]
    return [(str(g.pk), f"{g.name} ({g.authority.code})" if with_authority else g.name) for g in rows]


# --- what to apply ----------------------------------------------------------------------

@dataclass
class Protection:
    """A marking, personal-data level and restriction to put on one object."""

    provisions: list = field(default_factory=list)
    secret_parts: list = field(default_factory=list)
    public_title: str = ""
    review_on: dt.date | None = None
    expires_on: dt.date | None = None
    personal_data_level: str = PersonalDataLevel.PUBLISHABLE
    restricted: bool = False
    access_groups: list = field(default_factory=list)
    reason: str = ""

    @property
    def has_marking(self) -> bool:
        return bool(self.secret_parts or self.provisions or self.public_title)

    @property
    def is_empty(self) -> bool:
        return not (self.has_marking or self.restricted or self.access_groups
                    or self.personal_data_level != PersonalDataLevel.PUBLISHABLE)


def apply(obj, protection: Protection, *, actor) -> None:
    """Put `protection` on a newly registered case or document, through the services.
    The restriction comes last: it may end the actor's own full view."""
    if protection.has_marking:
        registry_secrecy.set_marking(
            obj, actor=actor, provisions=protection.provisions, secret_parts=set(protection.secret_parts),
            reason=protection.reason, public_title=protection.public_title,
            review_on=protection.review_on, expires_on=protection.expires_on,
        )
    if protection.personal_data_level and protection.personal_data_level != obj.personal_data_level:
        registry_secrecy.set_personal_data_level(obj, protection.personal_data_level, actor=actor, reason=protection.reason)
    if protection.restricted or protection.access_groups:
        registry_secrecy.set_restriction(
            obj, actor=actor, restricted=protection.restricted, access_groups=protection.access_groups, reason=protection.reason,
        )


# --- proposals --------------------------------------------------------------------------

@dataclass
class Proposal:
    """A marking proposed to the registrator, and where it comes from. `key` tells,
    on the next submit, that this very proposal has been shown."""

    source: str  # "ärendetypen SN1 Individärende", "ärendet SN 2026/4"
    key: str
    protection: Protection
    for_case: bool = False


def type_proposal(case_type=None, document_type=None) -> Proposal | None:
    """The default marking of the chosen case type (for a new case) or document type."""
    chosen = [(t, kind) for t, kind in ((case_type, "ärendetypen"), (document_type, "handlingstypen")) if t is not None and t.has_default_marking]
    if not chosen:
        return None
    the_type, kind = chosen[0]
    key = "-".join(f"{'ct' if k == 'ärendetypen' else 'dt'}{t.pk}" for t, k in chosen)
    protection = Protection(
        provisions=list(the_type.default_provisions.all()),
        secret_parts=[p for p in registry_secrecy.PARTS if p in (the_type.default_secret_parts or [])],
        public_title=the_type.default_public_title,
        personal_data_level=the_type.default_personal_data_level or PersonalDataLevel.PUBLISHABLE,
        reason=f"Förvald markering för {kind} {the_type.code} {the_type.title}",
    )
    return Proposal(source=f"{kind} {the_type.code} {the_type.title}", key=key, protection=protection, for_case=kind == "ärendetypen")


def document_proposal(case) -> Proposal | None:
    """What a new document in `case` is proposed: the case's active marking (the
    registry's proposal) — or, when the case has none but is restricted or its personal
    data protected, that. Never applied unless the registrator chooses it."""
    if case is None:
        return None
    proposed = registry_secrecy.proposed_marking_for_document(case)
    if proposed is None:
        if not case.restricted and case.personal_data_level == PersonalDataLevel.PUBLISHABLE:
            return None
        proposed = {"provisions": [], "secret_parts": [], "public_title": "", "personal_data_level": case.personal_data_level,
                    "restricted": case.restricted, "access_groups": list(case.access_groups.all())}
    protection = Protection(
        provisions=proposed["provisions"], secret_parts=proposed["secret_parts"], public_title=proposed["public_title"],
        personal_data_level=proposed["personal_data_level"], restricted=proposed["restricted"],
        access_groups=proposed["access_groups"],
        reason=f"Samma som ärendet {case.reference}, bekräftat vid registreringen",
    )
    return Proposal(source=f"ärendet {case.reference}", key=f"case{case.pk}", protection=protection)


def describe(protection: Protection) -> list[str]:
    """The protection in short Swedish lines, for proposals and confirmations."""
    lines = []
    if protection.has_marking:
        refs = ", ".join(f"{p.law} {p.reference}" for p in sort_provisions(protection.provisions)) or "inget lagrum"
        parts = ", ".join(PART_LABELS[p] for p in protection.secret_parts) or "inga delar"
        lines.append(f"Sekretess enligt {refs} för {parts}.")
        if protection.public_title:
            lines.append(f"Offentlig rubrik: ”{protection.public_title}”.")
    if protection.personal_data_level != PersonalDataLevel.PUBLISHABLE:
        lines.append(f"Personuppgifter: {PERSONAL_DATA_LABELS[protection.personal_data_level].lower()}.")
    if protection.restricted:
        groups = ", ".join(g.name for g in protection.access_groups)
        lines.append("Begränsad åtkomst" + (f" (åtkomstgrupper: {groups})." if groups else "."))
    return lines


# --- the panel --------------------------------------------------------------------------

# Only those the audit log admin lets in are offered the link (registrators have no
# admin access; they ask their local administrator).
WHO_OPENED_ROLES = frozenset({Role.LOKAL_ADMIN})


def may_see_who_opened(user, case) -> bool:
    """Local administrators of the case's diary and global administrators are offered
    the link to who opened it."""
    reader = policy.reader_for(user)
    return reader.is_global_admin or reader.has_role(case.diary_id, WHO_OPENED_ROLES)


def who_opened_url(case) -> str:
    try:
        base = reverse("admin:core_auditentry_changelist")
    except NoReverseMatch:  # the audit admin pages are registered by the admin app
        base = "/admin/core/auditentry/"
    return f"{base}?object_id={case.pk}"


def panel(user, obj, view) -> dict:
    """What the "Sekretess och åtkomst" panel shows: everything for a full view; for a
    masked one only that the object is marked or restricted."""
    is_document = isinstance(obj, Document)
    info = {"is_document": is_document, "full": view.full, "is_secret": obj.is_secret, "restricted": obj.restricted,
            "the": "handlingen" if is_document else "ärendet"}
    if not view.full:
        return info
    kind = "document" if is_document else "case"
    info["urls"] = {name: reverse(f"web:{kind}_{name}", args=[obj.pk]) for name in ("marking", "revoke", "personal_data", "restriction")}
    marking = registry_secrecy.active_marking(obj)
    info.update({
        "marking": marking,
        "provisions": [provision_label(p) for p in sort_provisions(marking.provisions.all())] if marking else [],
        "parts": [PART_LABELS[p] for p in registry_secrecy.PARTS if marking and getattr(marking, f"{p}_secret")],
        "personal_data_level": PERSONAL_DATA_LABELS.get(obj.personal_data_level, obj.personal_data_level),
        "personal_data_hint": PERSONAL_DATA_HINTS.get(obj.personal_data_level, ""),
        "groups": list(obj.access_groups.select_related("authority").order_by("name")),
    })
    if not info["is_document"] and may_see_who_opened(user, obj):
        info["who_opened_url"] = who_opened_url(obj)
    return info


def holds_protected_identity(*, case=None, document=None) -> bool:
    """Whether a party with skyddad identitet appears in the case (its parties or the
    correspondents of its documents) or on the document. Asked only after the object
    itself was fetched through the policy."""
    checks = []
    if case is not None:
        checks.append(CaseParty.objects.filter(case=case, party__is_protected_identity=True))
        checks.append(Correspondent.objects.filter(document__case=case, party__is_protected_identity=True))
    if document is not None:
        checks.append(Correspondent.objects.filter(document=document, party__is_protected_identity=True))
    return any(qs.exists() for qs in checks)
