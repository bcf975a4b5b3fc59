import datetime as dt
import random
import re

import magic
from django.utils import timezone

from knutpunkt.core import clock
from knutpunkt.demo import identities
from knutpunkt.demo.files import letter_pdf, mail_text
from knutpunkt.demo.timetravel import travelling_clock
from knutpunkt.registry.identity import normalise_org_number, normalise_personal_number


def test_generated_identity_numbers_are_valid():
    rnd = random.Random(1)
    for _ in range(300):
        pnr = identities.personal_number(rnd)
        assert len(pnr) == 12 and normalise_personal_number(identities.format_personal_number(pnr)) == pnr
        for group in ("55", "80", "21"):
            orgnr = identities.org_number(rnd, group)
            assert orgnr.startswith(group) and normalise_org_number(identities.format_org_number(orgnr)) == orgnr


def test_letter_pdf_is_a_wellformed_pdf():
    data = letter_pdf("Beslut om bygglov (ändrat)", ["Åtgärden är förenlig med detaljplanen \\ 12 §."] * 3, sender="Exempelby kommun")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert magic.from_buffer(data, mime=True) == "application/pdf"
    # Every cross-reference offset points at the start of its object.
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    table = data[xref:].split(b"\n")
    count = int(table[1].split()[1])
    for number in range(1, count):
        offset = int(table[2 + number].split()[0])
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    assert "Beslut om bygglov \\(ändrat\\)".encode("cp1252") in data


def test_mail_text():
    data = mail_text(sender="anna@example.se", to="bn@exempelby.example", subject="Komplettering", date="2026-01-02", body=["Hej"])
    assert data.decode().startswith("Från: anna@example.se\nTill: bn@exempelby.example")
    assert magic.from_buffer(data, mime=True) == "text/plain"


def test_travelling_clock_moves_and_comes_back():
    moment = timezone.make_aware(dt.datetime(2025, 3, 4, 9, 30))
    with travelling_clock(moment) as travelling:
        assert clock.now() == moment and clock.today() == dt.date(2025, 3, 4)
        travelling.set(dt.datetime(2025, 12, 31, 23, 30))  # naive: taken as local time
        assert clock.today() == dt.date(2025, 12, 31) and clock.now().year == 2025
    assert clock.today() >= dt.date(2026, 1, 1)
