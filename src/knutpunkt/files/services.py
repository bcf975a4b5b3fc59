"""Storing files of documents: content-addressed by SHA-256, never overwritten."""

import hashlib
import tempfile

import magic
from django.conf import settings
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage
from django.db import transaction

from knutpunkt.core import clock
from knutpunkt.core.errors import PermissionDenied, RuleViolation
from knutpunkt.registry import rules as registry_rules
from knutpunkt.registry.events import record_event
from knutpunkt.registry.models import Document

from .models import Blob, File, FileVersion

CHUNK = 1024 * 1024


def storage_name_for(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def check_filename(name: str) -> str:
    cleaned = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(ch for ch in cleaned if ch.isprintable())
    if not cleaned or cleaned in {".", ".."}:
        raise RuleViolation("Filen saknar namn.", code="filename_required", field="file")
    return cleaned[:255]


def store_blob(stream) -> Blob:
    """Hash and store content once. Refuses empty and over-limit content."""
    limit = settings.KNUTPUNKT_MAX_FILE_SIZE
    digest = hashlib.sha256()
    size = 0
    head = b""
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as tmp:
        if hasattr(stream, "seek"):
            try:
                stream.seek(0)
            except (OSError, ValueError):
                pass
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise RuleViolation(
                    f"Filen är för stor. Största tillåtna storlek är {limit // (1024 * 1024) or 1} MB.", code="file_too_large", field="file"
                )
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            tmp.write(chunk)
        if size == 0:
            raise RuleViolation("Filen är tom (0 byte).", code="file_empty", field="file")
        sha = digest.hexdigest()
        existing = Blob.objects.filter(pk=sha).first()
        if existing is not None and default_storage.exists(existing.storage_name):
            return existing
        name = storage_name_for(sha)
        if default_storage.exists(name) and _stored_hash(name) == sha:
            # Left by an upload whose registration rolled back: the same content.
            stored = name
        else:
            # Either nothing is there, or a file no row vouches for (a write that
            # crashed half-way, one still being written by a concurrent upload of the
            # same content, or tampering): never let it stand in for this content, and
            # never delete it — the storage then picks a free name beside it, and the
            # blob records the name of the file this call wrote in full.
            tmp.seek(0)
            stored = default_storage.save(name, DjangoFile(tmp, name=name))
        mime = magic.from_buffer(head, mime=True) or "application/octet-stream"
        blob, _ = Blob.objects.update_or_create(pk=sha, defaults={"size": size, "mime_type": mime, "storage_name": stored})
        return blob


@transaction.atomic
def add_file(document: Document, stream, filename: str, *, actor, comment: str = "") -> File:
    # Re-read under a row lock: the caller's instance may be stale, and a document voided
    # meanwhile (void_document locks the same row) must not get new files.
    document = Document.objects.select_for_update(of=("self",)).select_related("case").get(pk=document.pk)
    registry_rules.check_may_edit_document(actor, document)
    registry_rules.check_not_voided(document)
    filename = check_filename(filename)
    blob = store_blob(stream)
    file = File.objects.create(document=document, name=filename, created_by=actor)
    version = FileVersion.objects.create(file=file, version=1, blob=blob, filename=filename, created_by=actor, comment=comment)
    file.current_version = version
    file.save(update_fields=["current_version"])
    record_event(
        "file.added", actor=actor, case=document.case, document=document,
        data={"file_id": str(file.pk), "filename": filename, "sha256": blob.sha256, "size": blob.size, "mime_type": blob.mime_type},
    )
    return file


@transaction.atomic
def add_version(file: File, stream, filename: str | None = None, *, actor, comment: str = "") -> FileVersion:
    file = File.objects.select_for_update(of=("self",)).select_related("document__case").get(pk=file.pk)
    document = file.document
    registry_rules.check_may_edit_document(actor, document)
    registry_rules.check_not_voided(document)
    filename = check_filename(filename or file.name)
    blob = store_blob(stream)
    last = file.versions.order_by("-version").first()
    if last is not None and last.blob_id == blob.sha256:
        raise RuleViolation("Filen är identisk med nuvarande version.", code="same_content", field="file")
    version = FileVersion.objects.create(
        file=file, version=(last.version + 1 if last else 1), blob=blob, filename=filename, created_by=actor, comment=comment
    )
    file.current_version = version
    file.save(update_fields=["current_version"])
    record_event(
        "file.version_added", actor=actor, case=document.case, document=document,
        data={"file_id": str(file.pk), "version": version.version, "filename": filename, "sha256": blob.sha256, "size": blob.size},
    )
    return version


def _stored_hash(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_blob(blob: Blob):
    return default_storage.open(blob.storage_name, "rb")


def verify_blob(blob: Blob) -> str | None:
    """Re-hash stored content. Returns None when intact, else what is wrong."""
    if not default_storage.exists(blob.storage_name):
        return "saknas"
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(blob.storage_name, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    if digest.hexdigest() != blob.sha256:
        return "ändrad (kontrollsumman stämmer inte)"
    if size != blob.size:
        return "ändrad (storleken stämmer inte)"
    return None


def verify_all(*, on_problem=None) -> dict:
    """Check every stored blob (fixity). Returns counts; calls on_problem(blob, what)."""
    checked = problems = 0
    for blob in Blob.objects.order_by("pk").iterator(chunk_size=500):
        checked += 1
        what = verify_blob(blob)
        if what:
            problems += 1
            if on_problem:
                on_problem(blob, what)
        else:
            Blob.objects.filter(pk=blob.pk).update(last_verified_at=clock.now())
    return {"checked": checked, "problems": problems}


def ensure_may_download(user, document) -> None:
    from knutpunkt.access import policy

    if policy.file_visibility(user, document) != policy.Visibility.FULL:
        raise PermissionDenied("Du har inte behörighet att hämta filen.")


@transaction.atomic
def set_file_secret(file: File, secret: bool, *, actor, reason: str) -> File:
    """Mark one file of a document secret (or lift that), e.g. the läkarintyg among the
    attachments of an otherwise open application. The file is covered by the document's
    marking: it needs one, since a file is only hidden from readers who see the document
    masked (access.policy.file_visibility)."""
    from knutpunkt.access import policy
    from knutpunkt.core import audit
    from knutpunkt.registry.secrecy import active_marking

    file = File.objects.select_for_update(of=("self",)).select_related("document__case", "document__diary").get(pk=file.pk)
    document = file.document
    if not policy.may_mark(actor, document):
        raise PermissionDenied("Du har inte behörighet att ändra sekretess eller åtkomst för detta.", code="may_not_mark")
    secret = bool(secret)
    if file.is_secret == secret:
        return file
    reason = registry_rules.check_reason_given(reason, what="filens sekretess")
    if secret and active_marking(document) is None:
        raise RuleViolation(
            "Sekretessmarkera handlingen först – en enskild fil omfattas av handlingens sekretessmarkering.",
            code="document_not_marked", field="secret",
        )
    file.is_secret = secret
    file.save(update_fields=["is_secret"])
    data = {"file_id": str(file.pk), "secret": secret}
    if not secret:
        data["filename"] = file.name  # the name of a secret file may itself reveal what it holds
    record_event("file.secrecy_changed", actor=actor, case=document.case, document=document, reason=reason, data=data)
    audit.log("file.secrecy_changed", actor=actor, obj=document, details={"reason": reason, "file_id": str(file.pk), "secret": secret})
    return file
