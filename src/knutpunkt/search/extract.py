"""Text of stored files, for the search index.

PDF (its text layer; scanned pages get text when OCR arrives with the mail issue),
DOCX (word/document.xml read straight from the zip) and plain text (UTF-8, else
Windows-1252). Extraction never raises: a broken or unknown file is logged and
indexed without text. The result is cached per blob (search.models.ExtractedText), so
reindexing never parses a file twice.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings

log = logging.getLogger(__name__)

MAX_READ = 50 * 1024 * 1024  # bytes read from storage at most
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv")
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def max_chars() -> int:
    return int(getattr(settings, "KNUTPUNKT_SEARCH_MAX_TEXT", 200_000))


@dataclass
class Extracted:
    text: str = ""
    method: str = ""
    error: str = ""
    truncated: bool = False


def extract_bytes(data: bytes, mime_type: str = "", filename: str = "") -> Extracted:
    """Text of some content; never raises."""
    name = (filename or "").lower()
    mime = (mime_type or "").lower()
    try:
        if mime == "application/pdf" or name.endswith(".pdf") or data[:5] == b"%PDF-":
            result = _pdf(data)
        elif mime in DOCX_TYPES or name.endswith(".docx") or (data[:2] == b"PK" and _is_docx(data)):
            result = Extracted(_docx(data), "docx")
        elif mime.startswith(TEXT_TYPES) or name.endswith((".txt", ".csv", ".md", ".xml", ".json", ".html", ".htm")):
            result = Extracted(_plain(data), "text")
        else:
            return Extracted(method="none")
    except Exception as exc:  # noqa: BLE001 - a broken file must never stop indexing
        log.warning("text extraction failed (%s, %s): %s", mime or "?", filename or "?", exc)
        return Extracted(method="failed", error=f"{type(exc).__name__}: {exc}"[:500])
    return _capped(result)


def _capped(result: Extracted) -> Extracted:
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in result.text)
    limit = max_chars()
    if len(text) > limit:
        result.truncated = True
        text = text[:limit]
    result.text = text
    return result


def _pdf(data: bytes) -> Extracted:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - poppler instead
        return Extracted(_pdftotext(data), "pdftotext")
    reader = PdfReader(io.BytesIO(data))
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > max_chars():
            break
    return Extracted("\n".join(parts), "pypdf")


def _pdftotext(data: bytes) -> str:
    exe = shutil.which("pdftotext")
    if not exe:
        raise RuntimeError("varken pypdf eller pdftotext finns")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        done = subprocess.run([exe, "-q", "-enc", "UTF-8", tmp.name, "-"], capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8", "replace")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
        if info.file_size > MAX_READ:  # a zip bomb would expand without limit
            raise ValueError("word/document.xml är för stor")
        xml = z.read(info)
    root = ElementTree.fromstring(xml)  # no DTDs/entities are resolved by ElementTree's expat defaults
    paragraphs = []
    for para in root.iter(f"{W_NS}p"):
        pieces = []
        for node in para.iter():
            if node.tag == f"{W_NS}t" and node.text:
                pieces.append(node.text)
            elif node.tag in (f"{W_NS}tab", f"{W_NS}br"):
                pieces.append(" ")
        paragraphs.append("".join(pieces))
    return "\n".join(p for p in paragraphs if p)


def _plain(data: bytes) -> str:
    data = data[: max_chars() * 4]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # cut inside the last character by our own limit
            return data[: exc.start].decode("utf-8")
        # Swedish text that is not UTF-8 is nearly always Windows-1252 (or Latin-1, its subset).
        return data.decode("cp1252", "replace")


def text_of_blob(blob) -> str:
    """The cached text of a files.Blob, extracting it the first time."""
    from .models import ExtractedText

    cached = ExtractedText.objects.filter(pk=blob.sha256).values_list("text", flat=True).first()
    if cached is not None:
        return cached
    result = _extract_blob(blob)
    if result.method == "unreadable":  # storage trouble may pass; try again next time
        return ""
    ExtractedText.objects.update_or_create(
        pk=blob.sha256, defaults={"text": result.text, "method": result.method, "error": result.error, "truncated": result.truncated}
    )
    return result.text


def _extract_blob(blob) -> Extracted:
    from knutpunkt.files.services import open_blob

    try:
        with open_blob(blob) as fh:
            data = fh.read(MAX_READ)
    except Exception as exc:  # noqa: BLE001 - missing content is reported by verify-files, not here
        log.warning("could not read blob %s for indexing: %s", blob.sha256, exc)
        return Extracted(method="unreadable", error=f"{type(exc).__name__}: {exc}"[:500])
    return extract_bytes(data, blob.mime_type)
