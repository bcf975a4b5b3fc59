"""Granskningsloggen in the Django admin: read, filter, export, check the chain.

Strictly read-only for everyone: no adding, changing or deleting, and no delete action.
Looking at the log or exporting it is itself logged (audit.viewed / audit.exported).

Who sees what
- Global administrators: every entry.
- Lokal administratörer: entries about the cases and documents of the authorities they
  administer, and about those authorities' access groups. Sign-ins and role changes
  are shown to global administrators only (a role entry may outlive the assignment it
  was about, so it cannot be placed in an authority reliably).

Two questions have their own entry points:
- "Vem har öppnat ärendet?": `?object_id=<case uuid>` lists the entries about the case
  and its documents, under the heading "Händelser för KS 2026/12".
- "Vad har användaren öppnat?": `?actor__id__exact=<user id>&action=grupp:lasningar`, reached
  from the page "Vad har användaren öppnat?" (a button on the list).
"""

from __future__ import annotations

import csv
import json
import uuid

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Replace
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from . import audit
from .models import AuditEntry

# Swedish names for the actions Knutpunkt writes; unknown ones are shown as they are.
ACTION_LABELS = {
    "signin.succeeded": "Inloggning",
    "signin.failed": "Misslyckad inloggning",
    "signin.locked": "Kontot spärrat",
    "signin.signed_out": "Utloggning",
    "signin.timed_out": "Utloggad efter tidsgräns",
    "signin.otp_failed": "Fel engångskod",
    "signin.otp_verified": "Engångskod godkänd",
    "signin.otp_enrolled": "Tvåstegsverifiering aktiverad",
    "signin.otp_reset": "Tvåstegsverifiering återställd",
    "case.read": "Öppnade ärende",
    "document.read": "Öppnade handling",
    "party.identity_read": "Visade skyddad identitet",
    "case.secrecy_marked": "Sekretessmarkering satt på ärende",
    "document.secrecy_marked": "Sekretessmarkering satt på handling",
    "case.secrecy_revoked": "Sekretessmarkering hävd på ärende",
    "document.secrecy_revoked": "Sekretessmarkering hävd på handling",
    "case.restriction_changed": "Åtkomst ändrad för ärende",
    "document.restriction_changed": "Åtkomst ändrad för handling",
    "case.personal_data_level_changed": "Personuppgiftsskydd ändrat för ärende",
    "document.personal_data_level_changed": "Personuppgiftsskydd ändrat för handling",
    "role.granted": "Roll tilldelad",
    "role.revoked": "Roll borttagen",
    "accessgroup.created": "Åtkomstgrupp skapad",
    "accessgroup.renamed": "Åtkomstgrupp bytte namn",
    "accessgroup.changed": "Åtkomstgrupp ändrad",
    "accessgroup.deactivated": "Åtkomstgrupp inaktiverad",
    "accessgroup.reactivated": "Åtkomstgrupp aktiverad",
    "accessgroup.member_added": "Medlem tillagd i åtkomstgrupp",
    "accessgroup.member_removed": "Medlem borttagen ur åtkomstgrupp",
    "legalprovision.created": "Lagrum skapat",
    "legalprovision.changed": "Lagrum ändrat",
    "legalprovision.deactivated": "Lagrum inaktiverat",
    "legalprovision.reactivated": "Lagrum aktiverat",
    "classification.imported": "Klassificeringsstruktur importerad",
    "classification.activated": "Klassificeringsstruktur aktiverad",
    "classification.retired": "Klassificeringsstruktur upphörd",
    "classification.draft_discarded": "Utkast till klassificeringsstruktur borttaget",
    "audit.viewed": "Granskningsloggen visad",
    "audit.exported": "Granskningsloggen exporterad",
    "audit.verified": "Granskningsloggens kedja kontrollerad",
}

# Filter groups: "grupp:<namn>" in ?action=.
ACTION_GROUPS = {
    "lasningar": ("Alla läsningar", ("case.read", "document.read", "party.identity_read")),
    "inloggningar": ("Alla inloggningshändelser", None),  # prefix signin.
    "sekretess": ("Alla ändringar av sekretess och åtkomst", None),  # *.secrecy_* / restriction / personal data
    "behorigheter": ("Alla ändringar av roller och grupper", None),  # role.*, accessgroup.*
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _group_q(name: str) -> Q | None:
    if name == "lasningar":
        return Q(action__in=ACTION_GROUPS["lasningar"][1])
    if name == "inloggningar":
        return Q(action__startswith="signin.")
    if name == "sekretess":
        return Q(action__endswith=".secrecy_marked") | Q(action__endswith=".secrecy_revoked") | Q(
            action__endswith=".restriction_changed") | Q(action__endswith=".personal_data_level_changed")
    if name == "behorigheter":
        return Q(action__startswith="role.") | Q(action__startswith="accessgroup.")
    return None


def _is_global(user) -> bool:
    from knutpunkt.organisations.services import is_global_admin

    return is_global_admin(user)


def _administered_authorities(user) -> set[int]:
    from knutpunkt.organisations.services import administered_authority_ids

    return administered_authority_ids(user)


def _hex_ids(queryset):
    """A model's UUID primary keys as 32 hex digits, the same on SQLite and PostgreSQL."""
    return queryset.annotate(_hex=Replace(Cast("id", CharField()), Value("-"), Value(""))).values("_hex")


def scoped_entries(user):
    """The entries this user may read in the admin (see the module docstring)."""
    qs = AuditEntry.objects.all()
    if _is_global(user):
        return qs
    authorities = _administered_authorities(user)
    if not authorities:
        return qs.none()
    from knutpunkt.registry.models import Case, Document

    return qs.annotate(_oid=Replace("object_id", Value("-"), Value(""))).filter(
        Q(object_type="case", _oid__in=_hex_ids(Case.objects.filter(diary__authority_id__in=authorities)))
        | Q(object_type="document", _oid__in=_hex_ids(Document.objects.filter(diary__authority_id__in=authorities)))
        | Q(object_type="accessgroup", details__authority_id__in=list(authorities))
    )


class ActionFilter(admin.SimpleListFilter):
    title = "händelse"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        # A fixed list: a DISTINCT over a large log on every page view costs more than it gives.
        groups = [(f"grupp:{key}", label) for key, (label, _actions) in ACTION_GROUPS.items()]
        return groups + sorted(ACTION_LABELS.items(), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith("grupp:"):
            q = _group_q(value.split(":", 1)[1])
            return queryset.filter(q) if q is not None else queryset.none()
        return queryset.filter(action=value)


class ActorFilter(admin.SimpleListFilter):
    """?actor__id__exact=<id>. Lists the chosen user and those in the latest entries — a
    list of every user who ever did anything would be thousands long; others are found
    through "Vad har användaren öppnat?"."""

    title = "användare"
    parameter_name = "actor__id__exact"
    RECENT = 15

    def lookups(self, request, model_admin):
        choices: dict[str, str] = {}
        value = self.value()
        if value and value.isdigit():
            name = model_admin.get_queryset(request).filter(actor_id=value).values_list("actor_name", flat=True).first()
            choices[value] = name or value
        recent = model_admin.get_queryset(request).filter(actor__isnull=False).order_by("-sequence").values_list("actor_id", "actor_name")[:500]
        for actor_id, name in recent:
            if len(choices) >= self.RECENT:
                break
            choices.setdefault(str(actor_id), name or str(actor_id))
        return sorted(choices.items(), key=lambda pair: pair[1].lower())

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(actor_id=int(value))


def case_and_documents(object_id: str) -> list[str]:
    """The object itself and, for a case, its documents: "who has opened the case?"
    includes its documents."""
    try:
        pk = uuid.UUID(object_id)
    except ValueError:
        return [object_id]
    from knutpunkt.registry.models import Document

    return [str(pk)] + [str(d) for d in Document.objects.filter(case_id=pk).values_list("id", flat=True)]


class ObjectFilter(admin.SimpleListFilter):
    """?object_id=<id>: entries about one object (for a case: and its documents). Shown
    in the side bar only while it is in use."""

    title = "objekt"
    parameter_name = "object_id"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, model_admin.object_heading(request, value))] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(object_id__in=case_and_documents(value)) if value else queryset


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection);
# a leading apostrophe makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


CSV_HEADER = ["Tid", "Nummer", "Användare", "Händelse", "Händelsekod", "Objekttyp", "Objekt-id", "Objekt", "IP-adress", "Detaljer"]


class _Echo:
    def write(self, value):
        return value


def csv_rows(queryset):
    """The BOM, the header and one line per entry, as text chunks (streamed)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for e in queryset.order_by("sequence").iterator(chunk_size=2000):
        yield writer.writerow([_csv_cell(v) for v in (
            timezone.localtime(e.occurred_at).isoformat(timespec="seconds"), e.sequence, e.actor_name, action_label(e.action), e.action,
            e.object_type, e.object_id, e.object_label, e.ip_address, json.dumps(e.details, ensure_ascii=False, sort_keys=True),
        )])


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in csv_rows(queryset)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filters(request) -> dict:
    return {k: v for k, v in request.GET.items() if k not in ("p", "o")}


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("shown_time", "shown_actor", "shown_action", "shown_object", "shown_ip")
    list_display_links = ("shown_time",)
    list_filter = (ActionFilter, ObjectFilter, ActorFilter)
    search_fields = ("object_label", "actor_name")
    date_hierarchy = "occurred_at"
    ordering = ("-sequence",)
    list_per_page = 100
    show_full_result_count = False  # no second COUNT(*) over a large log
    actions = ["export_selected"]
    change_list_template = "admin/core/auditentry/change_list.html"
    fields = ("shown_sequence", "shown_time", "shown_actor", "shown_action", "shown_code", "shown_object_type", "shown_object_id",
              "shown_object", "shown_ip", "shown_details", "shown_previous_hash", "shown_hash")
    readonly_fields = fields

    # --- permissions: read-only, for everyone ---------------------------------------------

    def _may_read(self, request) -> bool:
        return _is_global(request.user) or bool(_administered_authorities(request.user))

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        if not self._may_read(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        return scoped_entries(request.user)

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description="tid", ordering="sequence")
    def shown_time(self, obj):
        return timezone.localtime(obj.occurred_at).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="händelse", ordering="action")
    def shown_action(self, obj):
        return action_label(obj.action)

    @admin.display(description="användare", ordering="actor_name")
    def shown_actor(self, obj):
        return obj.actor_name or "–"

    @admin.display(description="objekt", ordering="object_label")
    def shown_object(self, obj):
        return obj.object_label or "–"

    @admin.display(description="IP-adress")
    def shown_ip(self, obj):
        return obj.ip_address or "–"

    @admin.display(description="nummer")
    def shown_sequence(self, obj):
        return obj.sequence

    @admin.display(description="händelsekod")
    def shown_code(self, obj):
        return obj.action

    @admin.display(description="objekttyp")
    def shown_object_type(self, obj):
        return obj.object_type

    @admin.display(description="objekt-id")
    def shown_object_id(self, obj):
        return obj.object_id

    @admin.display(description="föregående posts kontrollsumma")
    def shown_previous_hash(self, obj):
        return obj.previous_hash

    @admin.display(description="kontrollsumma")
    def shown_hash(self, obj):
        return obj.hash

    @admin.display(description="detaljer")
    def shown_details(self, obj):
        return json.dumps(obj.details, ensure_ascii=False, indent=2, sort_keys=True)

    # --- headings ---------------------------------------------------------------------------

    def object_heading(self, request, object_id: str) -> str:
        """What the object is called: its label in the log, or its reference."""
        label = self.get_queryset(request).filter(object_id=object_id).exclude(object_label="").order_by("-sequence").values_list("object_label", flat=True).first()
        if label:
            return label
        try:
            pk = uuid.UUID(object_id)
        except ValueError:
            return object_id
        from knutpunkt.registry.models import Case

        case = Case.objects.filter(pk=pk).select_related("diary").first()
        if case is not None and (_is_global(request.user) or case.diary.authority_id in _administered_authorities(request.user)):
            return case.reference
        return object_id

    def _title(self, request) -> str | None:
        object_id = request.GET.get("object_id")
        if object_id:
            return f"Händelser för {self.object_heading(request, object_id)}"
        actor_id = request.GET.get("actor__id__exact", "")
        if actor_id.isdigit():
            name = self.get_queryset(request).filter(actor_id=actor_id).values_list("actor_name", flat=True).first() or actor_id
            if request.GET.get("action") == "grupp:lasningar":
                return f"Vad har {name} öppnat?"
            return f"Händelser av {name}"
        return None

    # --- views ----------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("exportera/", wrap(self.export_view), name="core_auditentry_export"),
            path("kontrollera-kedjan/", wrap(self.verify_view), name="core_auditentry_verify"),
            path("vad-har-anvandaren-oppnat/", wrap(self.user_reads_view), name="core_auditentry_user_reads"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and self._may_read(request):
            audit.log("audit.viewed", actor=request.user, object_type="auditlog", object_id="", object_label="granskningslogg",
                      details={"filters": _filters(request)}, ip_address=_ip(request))
        context = {"may_verify": _is_global(request.user), **(extra_context or {})}
        title = self._title(request)
        if title:
            context["title"] = title
        return super().changelist_view(request, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            entry = self.get_object(request, object_id)
            if entry is not None and self.has_view_permission(request, entry):
                audit.log("audit.viewed", actor=request.user, object_type="auditlog", object_id=str(entry.sequence),
                          object_label="granskningslogg", details={"entry": entry.sequence}, ip_address=_ip(request))
        return super().change_view(request, object_id, form_url, extra_context)

    def _export(self, request, queryset, how: str):
        count = queryset.count()
        audit.log("audit.exported", actor=request.user, object_type="auditlog", object_id="", object_label="granskningslogg",
                  details={"how": how, "filters": _filters(request), "rows": count}, ip_address=_ip(request))
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        return csv_response(queryset, f"granskningslogg-{stamp}.csv")

    @admin.action(description="Exportera valda poster (CSV)")
    def export_selected(self, request, queryset):
        return self._export(request, queryset, "valda")

    def export_view(self, request):
        """The current filter (the list's query string) as CSV, every page of it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._export(request, changelist.get_queryset(request), "urval")

    def verify_view(self, request):
        if not _is_global(request.user):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Kontrollera granskningsloggens kedja"}
        if request.method == "POST":
            problems = audit.verify_chain()
            total = AuditEntry.objects.count()
            audit.log("audit.verified", actor=request.user, object_type="auditlog", object_id="", object_label="granskningslogg",
                      details={"entries": total, "problems": len(problems)}, ip_address=_ip(request))
            context.update(checked=True, problems=problems, total=total)
        return TemplateResponse(request, "admin/core/auditentry/verify.html", context)

    def user_reads_view(self, request):
        """"Vad har användaren öppnat?": find the user, then their reads in the list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        from knutpunkt.organisations.services import administered_users

        query = request.GET.get("q", "").strip()
        users = []
        if query:
            users = list(
                administered_users(request.user).filter(
                    Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query)
                ).order_by("last_name", "first_name", "username")[:50]
            )
        changelist = reverse("admin:core_auditentry_changelist")
        for user in users:
            user.reads_url = changelist + "?" + urlencode({"actor__id__exact": user.pk, "action": "grupp:lasningar"})
            user.all_url = changelist + "?" + urlencode({"actor__id__exact": user.pk})
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "Vad har användaren öppnat?",
            "query": query, "users": users, "searched": bool(query),
        }
        return TemplateResponse(request, "admin/core/auditentry/user_reads.html", context)


def _ip(request) -> str:
    from knutpunkt.access.signin import client_ip

    return client_ip(request)
