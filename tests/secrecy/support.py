"""Shared by the secrecy tests: what a response says as text (HTML, JSON, CSV, PDF),
unique markers, and the link collector the leak crawler follows."""

from __future__ import annotations

import html
import json
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


def new_marker(prefix: str = "") -> str:
    """A token that cannot occur by chance in any page (letters and digits only, so
    search splits no words in it)."""
    return f"{prefix}Q{secrets.token_hex(5).upper()}Z"


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader sees it. Text in a PDF is drawn glyph by glyph in
    compressed streams, so a marker never shows in the raw bytes: pdftotext (poppler)
    turns it back into text. Without pdftotext only the raw bytes are returned; the
    callers check the HTML the PDF is printed from as well.

    A narrow table cell wraps a long word, hyphenated (U+2010) or not. In reading order
    (the default) the rest of the word can come after the neighbouring cells; in stream
    order (-raw) the lines of one cell follow each other. Both are returned, each also
    with the line breaks and wrap hyphens taken out, so a split marker is found."""
    if not HAS_PDFTOTEXT:
        return data.decode("latin-1")
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        for mode in ([], ["-raw"]):
            out = subprocess.run(["pdftotext", "-q", *mode, "-enc", "UTF-8", str(source), "-"], capture_output=True, timeout=60)
            assert out.returncode == 0, out.stderr
            text = out.stdout.decode("utf-8", "replace")
            texts += [text, re.sub(r"[\u2010\u00ad-]?\s*\n\s*", "", text)]
    return "\n".join(texts)


def body_text(response) -> str:
    """Everything a client receives, as text: headers that carry content (file names),
    the body decoded — PDF through pdftotext, JSON also with its escapes undone, HTML
    also with its entities undone."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    content_type = response.get("Content-Type", "")
    parts = [response.get("Content-Disposition", ""), response.get("Location", "")]
    if raw.startswith(b"%PDF") or "pdf" in content_type:
        parts.append(pdf_text(raw))
        parts.append(raw.decode("latin-1"))
    else:
        text = raw.decode("utf-8", "replace")
        parts.append(text)
        if "json" in content_type:
            try:
                parts.append(json.dumps(json.loads(text), ensure_ascii=False))
            except ValueError:
                pass
        if "html" in content_type:
            parts.append(html.unescape(text))
    return "\n".join(parts)


# Links a browser follows with GET. Form actions are left out: the staff pages' forms
# that change something are POST (405 on GET), and the GET forms are searches that the
# crawl starts from anyway.
HREF = re.compile(r"""(?:href|src|hx-get)\s*=\s*["']([^"'#]+)""", re.I)


def links_in(response, base: str) -> list[str]:
    """Same-site paths (with query) a client could follow from this response: hrefs in
    HTML, and every string value that looks like a URL in JSON (url, next, *_url …)."""
    content_type = response.get("Content-Type", "")
    found: list[str] = []
    if getattr(response, "streaming", False):
        return found
    text = response.content.decode("utf-8", "replace")
    if "html" in content_type:
        found += [html.unescape(h) for h in HREF.findall(text)]
    elif "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            data = None

        def walk(value):
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str) and (value.startswith("http://testserver/") or value.startswith("/")):
                found.append(value)

        walk(data)
    out = []
    for link in found:
        absolute = urljoin(base, link)
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        out.append(path)
    return out
