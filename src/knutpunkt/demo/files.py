"""Small but real files for demo documents: one-page PDF letters and plain-text mail.

The PDFs are written by hand (a few hundred bytes each, standard Helvetica) rather
than rendered, so five hundred cases load in seconds instead of minutes.
"""

from __future__ import annotations

import io
import textwrap


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def letter_pdf(heading: str, lines: list[str], *, sender: str = "", footer: str = "") -> bytes:
    """A one-page A4 PDF with a heading and wrapped body text."""
    ops = [b"BT", b"/F2 10 Tf", b"56 800 Td"]
    if sender:
        ops += [b"(" + _pdf_text(sender) + b") Tj", b"0 -28 Td"]
    ops += [b"/F2 14 Tf", b"(" + _pdf_text(heading[:90]) + b") Tj", b"/F1 11 Tf", b"0 -26 Td", b"15 TL"]
    for line in lines:
        for part in textwrap.wrap(line, 92) or [""]:
            ops.append(b"(" + _pdf_text(part) + b") '")
    if footer:
        ops += [b"/F1 8 Tf", b"0 -30 Td", b"(" + _pdf_text(footer) + b") Tj"]
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def mail_text(*, sender: str, to: str, subject: str, date: str, body: list[str]) -> bytes:
    """An e-mail saved as text, the way a registrator keeps a mail without attachments."""
    text = [f"Från: {sender}", f"Till: {to}", f"Datum: {date}", f"Ämne: {subject}", "", *body, ""]
    return "\n".join(text).encode("utf-8")
