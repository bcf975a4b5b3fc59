"""Reads the staff pages need that registry.queries does not offer (yet).

Each one starts from registry.queries / access.policy, so nothing here widens what a
reader may see: a case's deadlines and links are only read after the case itself was
fetched through `registry.queries.get_case`, and a linked case is only shown when the
policy lets the reader see it too.
"""

from django.db.models import Q

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType
from knutpunkt.files.models import File
from knutpunkt.organisations.models import Diary, Organisation, Unit, User
from knutpunkt.registry import queries
from knutpunkt.registry.models import Case, CaseEvent, CaseLink, Deadline


# --- who and where -------------------------------------------------------------------

def registrable_diaries(user):
    """Active diaries the user may register in."""
    ids = policy.registrable_diary_ids(user)
    qs = Diary.objects.filter(active=True).select_related("authority__organisation").order_by("prefix")
    return qs if ids is None else qs.filter(pk__in=sorted(ids))


def readable_diaries(user):
    return policy.readable_diaries(user).select_related("authority__organisation").order_by("prefix")


def organisations_of(user):
    """The organisations whose structures and people the user works with."""
    reader = policy.reader_for(user)
    if reader.is_global_admin:
        return Organisation.objects.all()
    ids = set(Diary.objects.filter(pk__in=sorted(reader.readable_diary_ids)).values_list("authority__organisation_id", flat=True))
    if getattr(user, "organisation_id", None):
        ids.add(user.organisation_id)
    return Organisation.objects.filter(pk__in=sorted(ids))


def colleagues(user):
    """People who can be chosen as handläggare: active users of the same organisations."""
    return User.objects.filter(is_active=True, organisation__in=organisations_of(user)).order_by("first_name", "last_name", "username")


def units_for(user):
    return Unit.objects.filter(organisation__in=organisations_of(user)).order_by("name")


# --- classification (not case data: the organisation's active structure) -------------

def _active_scheme_q(user, prefix: str) -> Q:
    return Q(**{
        f"{prefix}status": ClassificationScheme.Status.ACTIVE,
        f"{prefix}organisation__in": organisations_of(user),
    })


def active_processes(user):
    return Class.objects.filter(_active_scheme_q(user, "scheme__"), level=Class.Level.PROCESS).order_by("code")


def active_case_types(user):
    return CaseType.objects.filter(_active_scheme_q(user, "process__scheme__"), active=True).select_related("process").order_by("process__code", "code")


def active_document_types(user):
    return DocumentType.objects.filter(_active_scheme_q(user, "process__scheme__"), active=True).select_related("process").order_by("process__code", "code")


def processes_for_search(user):
    """Processes of every scheme of the user's organisations: old cases keep the class
    they were registered under, so retired schemes must still be searchable."""
    return (
        Class.objects.filter(scheme__organisation__in=organisations_of(user), level=Class.Level.PROCESS)
        .select_related("scheme")
        .order_by("scheme__status", "code")
    )


# --- around one case (the case was already fetched through registry.queries) --------

def case_deadlines(user, case: Case):
    if policy.case_visibility(user, case) == Visibility.HIDDEN:
        return Deadline.objects.none()
    return Deadline.objects.filter(case=case).select_related("assigned_to").order_by("completed_at", "due_date")


def get_deadline(user, case: Case, deadline_id) -> Deadline | None:
    return case_deadlines(user, case).filter(pk=deadline_id).first()


def case_links(user, case: Case) -> list[dict]:
    """Related cases in both directions, the main case and sub-cases — only those the
    reader may see."""
    if policy.case_visibility(user, case) == Visibility.HIDDEN:
        return []
    visible = queries.cases_for(user)
    rows = []
    if case.main_case_id and visible.filter(pk=case.main_case_id).exists():
        rows.append({"kind": "Huvudärende", "case": visible.get(pk=case.main_case_id), "note": ""})
    for sub in visible.filter(main_case=case).order_by("registered_at"):
        rows.append({"kind": "Delärende", "case": sub, "note": ""})
    visible_ids = visible.values("pk")
    for link in CaseLink.objects.filter(from_case=case, to_case_id__in=visible_ids).select_related("to_case"):
        rows.append({"kind": "Relaterat ärende", "case": link.to_case, "note": link.note})
    for link in CaseLink.objects.filter(to_case=case, from_case_id__in=visible_ids).select_related("from_case"):
        rows.append({"kind": "Relaterat ärende", "case": link.from_case, "note": link.note})
    return rows


def files_by_document(user, documents) -> dict:
    """{document_id: [File, ...]} in one query, for the files the reader may see (the
    policy's file_visibility per document and, for a file marked secret, per file)."""
    by_id = {d.pk: d for d in documents if policy.file_visibility(user, d) == Visibility.FULL}
    result = {pk: [] for pk in by_id}
    if not by_id:
        return result
    files = (
        File.objects.filter(document_id__in=list(by_id))
        .select_related("current_version__blob")
        .prefetch_related("versions__blob", "versions__created_by")
        .order_by("created_at")
    )
    for file in files:
        if policy.file_visibility(user, by_id[file.document_id], file) == Visibility.FULL:
            result[file.document_id].append(file)
    return result


def document_id_for_reference(user, reference: str):
    """The id of the document with this number if the reader may see it (not audited:
    nothing of it is shown; the page it leads to audits the read)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return queries.documents_for(user).filter(reference__iexact=reference).values_list("pk", flat=True).first()


def document_events(user, document):
    """The events about one document (also for documents kept without a case)."""
    if policy.document_visibility(user, document) == Visibility.HIDDEN:
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(document=document).select_related("actor").order_by("occurred_at")
