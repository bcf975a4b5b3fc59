"""Policy-aware reads of files."""

from django.db.models import QuerySet

from knutpunkt.access import policy
from knutpunkt.access.policy import Visibility
from knutpunkt.core.errors import NotFound
from knutpunkt.registry import queries as registry_queries

from .models import File, FileVersion


def files_of(user, document) -> QuerySet[File]:
    if policy.file_visibility(user, document) != Visibility.FULL:
        return File.objects.none()
    return File.objects.filter(document=document).select_related("current_version__blob").prefetch_related("versions")


def get_file(user, file_id) -> File:
    file = File.objects.select_related("document", "current_version__blob").filter(pk=file_id).first()
    if file is None or policy.file_visibility(user, file.document) != Visibility.FULL:
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
