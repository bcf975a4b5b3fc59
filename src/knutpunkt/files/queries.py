"""Policy-aware reads of files."""

import uuid

from django.db.models import QuerySet

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.core.errors import NotFound
from knutpunkt.registry import queries as registry_queries

from .models import File, FileVersion


def files_of(user, document) -> QuerySet[File]:
    """The document's files this reader may open: none when the files are secret or
    restricted for them, and never a file marked secret on its own without full view."""
    view = policy.document_view(user, document)
    if not view.files:
        return File.objects.none()
    qs = File.objects.filter(document=document)
    if not view.full:
        qs = qs.filter(is_secret=False)
    return qs.select_related("current_version__blob").prefetch_related("versions")


def get_file(user, file_id) -> File:
    try:
        pk = file_id if isinstance(file_id, uuid.UUID) else uuid.UUID(str(file_id))
    except (ValueError, TypeError, AttributeError):
        pk = None
    file = File.objects.select_related("document__case", "current_version__blob").filter(pk=pk).first() if pk else None
    if file is None or policy.file_visibility(user, file.document, file) != Visibility.FULL:
        raise NotFound("Filen finns inte eller så saknar du behörighet att hämta den.")
    return file


def get_version(user, file_id, version: int | None = None) -> FileVersion:
    file = get_file(user, file_id)
    if version is None:
        return file.current_version
    found = file.versions.select_related("blob").filter(version=version).first()
    if found is None:
        raise NotFound("Versionen finns inte.")
    return found


def document_for_files(user, document_id):
    document, visibility = registry_queries.get_document(user, document_id)
    return document, visibility
