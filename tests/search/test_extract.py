"""File text for the index: PDF text layer, DOCX, plain text; broken files never crash."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from knutpunkt.search.extract import extract_bytes


def docx_bytes(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r><w:r><w:tab/><w:t>slut</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", xml.encode("utf-8"))
    return buf.getvalue()


def test_pdf_text_layer():
    from weasyprint import HTML

    pdf = HTML(string="<p>Beslut om bygglov för Åre fjällstuga</p><p>Sida två: överklagande</p>").write_pdf()
    result = extract_bytes(pdf, "application/pdf")
    assert "Åre fjällstuga" in result.text and "överklagande" in result.text
    assert not result.error


def test_docx():
    result = extract_bytes(docx_bytes(["Yttrande från grannar", "Räksmörgås & ölkafé"]), "", "yttrande.docx")
    assert result.method == "docx"
    assert "Yttrande från grannar" in result.text and "Räksmörgås & ölkafé" in result.text
    assert result.text.count("slut") == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_plain_text_encodings(encoding):
    text = "Ärendet gäller väg 123 – Öckerö, “citat” och €"
    result = extract_bytes(text.encode(encoding), "text/plain")
    assert result.text == text


def test_text_is_capped(settings):
    settings.KNUTPUNKT_SEARCH_MAX_TEXT = 100
    result = extract_bytes(("ord " * 1000).encode(), "text/plain")
    assert len(result.text) == 100 and result.truncated


@pytest.mark.parametrize("data, mime, name", [
    (b"%PDF-1.7 this is not really a pdf", "application/pdf", "trasig.pdf"),
    (b"PK\x03\x04 broken zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "trasig.docx"),
    (docx_bytes(["x"]).replace(b"<w:body>", b"<w:body><unclosed>"), "", "fel.docx"),
    (b"\x00\x01\x02", "application/octet-stream", "data.bin"),
    (b"", "text/plain", "tom.txt"),
])
def test_broken_files_never_raise(data, mime, name):
    result = extract_bytes(data, mime, name)
    assert result.text == "" or isinstance(result.text, str)
    assert result.method in ("failed", "none", "text", "docx", "pypdf")


@pytest.mark.django_db
def test_broken_file_is_indexed_without_text(diary, registrator, dispatch):
    from knutpunkt.files import services as files
    from knutpunkt.registry import services
    from knutpunkt.registry.models import Case
    from knutpunkt.search.models import ExtractedText
    from knutpunkt.search.parsing import parse
    from knutpunkt.search.queries import indexed_match_q

    case = services.register_case(diary, actor=registrator, title="Anbud")
    doc = services.register_document(actor=registrator, case=case, direction="inkommande", title="Anbud från leverantör")
    files.add_file(doc, io.BytesIO(b"%PDF-1.4 garbage"), "anbud.pdf", actor=registrator)
    files.add_file(doc, io.BytesIO(docx_bytes(["Pris 100 kronor exklusive moms"])), "pris.docx", actor=registrator)
    dispatch()
    assert ExtractedText.objects.filter(method="failed").count() == 1
    assert list(Case.objects.filter(indexed_match_q(registrator, parse("leverantör moms"))).values_list("pk", flat=True)) == [case.pk]
