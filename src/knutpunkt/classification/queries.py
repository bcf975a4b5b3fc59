"""Reading the classification structure: the version in force, its processes with their
case and document types (for registration forms and the API) and the tree for display.

The structure is not secret, so these reads need no access policy; they are scoped by
organisation so one tenant never sees another's structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule
from .structure import code_key


def active_scheme(organisation) -> ClassificationScheme | None:
    """The version in force for an organisation (an Organisation or its id), or None."""
    org_id = getattr(organisation, "pk", organisation)
    return ClassificationScheme.objects.filter(organisation_id=org_id, status=ClassificationScheme.Status.ACTIVE).first()


def schemes_of(organisation) -> QuerySet[ClassificationScheme]:
    """Every version of an organisation's structures, newest first, with counts."""
    org_id = getattr(organisation, "pk", organisation)
    return (
        ClassificationScheme.objects.filter(organisation_id=org_id)
        .annotate(process_count=Count("classes", filter=Q(classes__level=Class.Level.PROCESS), distinct=True))
        .order_by("-id")
    )


def _scheme_of(scheme_or_organisation) -> ClassificationScheme | None:
    if isinstance(scheme_or_organisation, ClassificationScheme):
        return scheme_or_organisation
    return active_scheme(scheme_or_organisation)


def processes(scheme_or_organisation, *, with_types: bool = True, active_types_only: bool = True) -> QuerySet[Class]:
    """The processes (lowest level) of a scheme — or of an organisation's active scheme —
    ordered by code, each with `case_types` and `document_types` (with their retention
    rule) prefetched when with_types."""
    scheme = _scheme_of(scheme_or_organisation)
    if scheme is None:
        return Class.objects.none()
    qs = Class.objects.filter(scheme=scheme, level=Class.Level.PROCESS).select_related("parent").order_by("code")
    if with_types:
        case_types = CaseType.objects.order_by("code")
        document_types = DocumentType.objects.select_related("retention_rule").order_by("code")
        if active_types_only:
            case_types = case_types.filter(active=True)
            document_types = document_types.filter(active=True)
        qs = qs.prefetch_related(Prefetch("case_types", queryset=case_types), Prefetch("document_types", queryset=document_types))
    return qs


def process_choices(organisation) -> list[tuple[int, str]]:
    """(id, "1.2.3.4 Title") for the processes of the active scheme, for a select field."""
    return [(p.pk, f"{p.code} {p.title}") for p in processes(organisation, with_types=False)]


def case_types(scheme_or_organisation, *, process: Class | int | None = None) -> QuerySet[CaseType]:
    """Active case types of a scheme (default: the organisation's active one), optionally of one process."""
    scheme = _scheme_of(scheme_or_organisation)
    if scheme is None:
        return CaseType.objects.none()
    qs = CaseType.objects.filter(process__scheme=scheme, active=True).select_related("process").order_by("process__code", "code")
    if process is not None:
        qs = qs.filter(process_id=getattr(process, "pk", process))
    return qs


def document_types(scheme_or_organisation, *, process: Class | int | None = None) -> QuerySet[DocumentType]:
    """Active document types of a scheme (default: the organisation's active one) with their retention rule."""
    scheme = _scheme_of(scheme_or_organisation)
    if scheme is None:
        return DocumentType.objects.none()
    qs = DocumentType.objects.filter(process__scheme=scheme, active=True).select_related("process", "retention_rule").order_by(
        "process__code", "code"
    )
    if process is not None:
        qs = qs.filter(process_id=getattr(process, "pk", process))
    return qs


def retention_rules(scheme: ClassificationScheme) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(scheme=scheme).annotate(usage=Count("document_types")).order_by("code")


@dataclass
class Node:
    """One class of the tree with its children (and, for a process, its types)."""

    id: int
    code: str
    title: str
    level: str
    level_label: str
    description: str = ""
    children: list["Node"] = field(default_factory=list)
    case_types: list[CaseType] = field(default_factory=list)
    document_types: list[DocumentType] = field(default_factory=list)

    @property
    def is_process(self) -> bool:
        return self.level == Class.Level.PROCESS

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def tree(scheme_or_organisation, *, with_types: bool = True) -> list[Node]:
    """The whole structure as nested Nodes (roots first), in three or four queries."""
    scheme = _scheme_of(scheme_or_organisation)
    if scheme is None:
        return []
    nodes = {
        c.pk: Node(c.pk, c.code, c.title, c.level, c.get_level_display(), c.description)
        for c in Class.objects.filter(scheme=scheme)
    }
    parents = dict(Class.objects.filter(scheme=scheme).values_list("pk", "parent_id"))
    roots = []
    for pk, node in sorted(nodes.items(), key=lambda item: code_key(item[1].code)):
        parent = parents.get(pk)
        (nodes[parent].children if parent in nodes else roots).append(node)
    if with_types:
        for t in CaseType.objects.filter(process__scheme=scheme).order_by("code"):
            nodes[t.process_id].case_types.append(t)
        for t in DocumentType.objects.filter(process__scheme=scheme).select_related("retention_rule").order_by("code"):
            nodes[t.process_id].document_types.append(t)
    return roots


def counts(scheme: ClassificationScheme) -> dict[str, int]:
    """How many of each thing the scheme holds (for the admin and tests)."""
    by_level = dict(Class.objects.filter(scheme=scheme).values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return {
        **{str(level): by_level.get(str(level), 0) for level in Class.LEVEL_ORDER},
        "case_types": CaseType.objects.filter(process__scheme=scheme).count(),
        "document_types": DocumentType.objects.filter(process__scheme=scheme).count(),
        "retention_rules": RetentionRule.objects.filter(scheme=scheme).count(),
    }
