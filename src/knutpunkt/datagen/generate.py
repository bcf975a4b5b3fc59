"""A realistic synthetic municipality for benchmarks and load tests.

`knutpunkt generate-data --cases 1000000 --documents-per-case 3 --seed 1` writes rows
directly in large batches instead of going through the registry services: a million
registrations through the services would take hours, and these rows are test data,
never allmänna handlingar. The result still obeys the registry's invariants — numbers
gap-free per diary and year (the NumberSeries rows are advanced to match), document
numbers 1..n within each case, valid personnummer and organisationsnummer, the
Protectable fields consistent with the secrecy markings — so every read path behaves
as on real data.

Reproducible: the same seed and sizes give the same titles, numbers, parties and
secrecy (ids and timestamps of registration differ).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from knutpunkt.core.ids import new_id
from knutpunkt.organisations.models import Authority, Diary, NumberSeries, Organisation, Role, RoleAssignment, Unit, User
from knutpunkt.publicdiary.models import PublicationSettings
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document, Party, PersonalDataLevel

from . import vocabulary as v
from .rows import Inserter

# Share of registrations per diary, and how secret each diary's cases typically are.
DIARY_PROFILE = {
    # prefix: (authority name, weight, share secret, share restricted)
    "BN": ("Bygg- och miljönämnden", 30, 0.01, 0.0),
    "SN": ("Socialnämnden", 25, 0.92, 0.05),
    "MN": ("Miljönämnden", 14, 0.04, 0.0),
    "KS": ("Kommunstyrelsen", 16, 0.03, 0.01),
    "TN": ("Tekniska nämnden", 12, 0.01, 0.0),
    "KF": ("Kommunfullmäktige", 3, 0.0, 0.0),
}
DIRECTIONS = [("inkommande", 50), ("upprattad", 20), ("utgaende", 25), ("intern", 5)]
_DIRECTION_NAMES = [d for d, _ in DIRECTIONS]
_DIRECTION_WEIGHTS = [w for _, w in DIRECTIONS]
_OPEN_STATUSES = [Case.Status.OPENED, Case.Status.IN_PROGRESS, Case.Status.IN_PROGRESS, Case.Status.DORMANT]
_PARTY_DEFAULTS = {
    "kind": "", "personal_number": "", "org_number": "", "first_name": "", "last_name": "", "organisation_name": "",
    "contact_person": "", "street_address": "", "care_of": "", "postal_code": "", "city": "", "country": "", "email": "",
    "phone": "", "is_protected_identity": False,
}


def _inserters() -> dict[str, Inserter]:
    case_fields = [
        "id", "diary_id", "year", "number", "reference", "title", "description", "process_id", "case_type_id", "status",
        "responsible_unit_id", "officer_id", "main_case_id", "opened_date", "registered_at", "registered_by_id", "closed_at",
        "last_document_number", "event_sequence", "voided_at", "voided_by_id", "void_reason", "updated_at", *_PROTECTABLE,
    ]
    document_fields = [
        "id", "case_id", "diary_id", "number", "reference", "direction", "title", "document_type_id", "document_date",
        "registered_at", "registered_by_id", "voided_at", "voided_by_id", "void_reason", "updated_at", *_PROTECTABLE,
    ]
    return {
        "party": Inserter(Party, ["id", "organisation_id", *_PARTY_DEFAULTS, "created_at", "updated_at"]),
        "case": Inserter(Case, case_fields),
        "case_party": Inserter(CaseParty, ["case_id", "party_id", "role", "added_at"]),
        "document": Inserter(Document, document_fields),
        "correspondent": Inserter(Correspondent, ["document_id", "party_id", "role"]),
    }


_PROTECTABLE = ["public_title", "title_secret", "description_secret", "parties_secret", "files_secret", "personal_data_level", "restricted"]


@dataclass
class Result:
    cases: int
    documents: int
    parties: int
    seconds: float


def _luhn_digit(body: str) -> int:
    total = 0
    for i, ch in enumerate(body):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def personal_number(rng: random.Random) -> str:
    birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 85))
    serial = f"{rng.randrange(0, 1000):03d}"
    body = f"{birth:%y%m%d}{serial}"
    return f"{birth:%Y%m%d}{serial}{_luhn_digit(body)}"


def org_number(rng: random.Random) -> str:
    body = f"55{rng.randrange(0, 10):d}{rng.randrange(0, 1000000):06d}"[:9]
    body = body[:2] + str(rng.randrange(2, 10)) + body[3:]  # third digit >= 2 for a legal person
    return body + str(_luhn_digit(body))


def _fill(template: str, rng: random.Random, person: str) -> str:
    return template.format(
        thing=rng.choice(v.THINGS), street=rng.choice(v.STREETS), topic=rng.choice(v.TOPICS), service=rng.choice(v.SERVICES),
        district=rng.choice(v.DISTRICTS), board=rng.choice(v.BOARDS), building=rng.choice(v.BUILDINGS),
        property=rng.choice(v.PROPERTIES), num=rng.randrange(1, 40), num2=rng.randrange(1, 90),
        installation=rng.choice(v.INSTALLATIONS), business=rng.choice(v.BUSINESSES), company=rng.choice(v.COMPANIES),
        period=f"{rng.choice(['januari–april', 'januari–augusti'])}", person=person,
    )


def _public_title(prefix: str, title: str) -> str:
    for needle, public in v.PUBLIC_TITLES.get(prefix, {}).items():
        if needle in title:
            return public
    return title.split(" – ")[0]


def ensure_organisation(short_name: str = "syntetisk") -> tuple[Organisation, dict[str, Diary], User]:
    """The synthetic municipality's organisation, diaries (each authority publishing its
    diary on the web, with the default 24-hour delay) and the user that registers."""
    org, _ = Organisation.objects.get_or_create(short_name=short_name, defaults={"name": "Syntetiska kommun"})
    diaries = {}
    for prefix, (name, *_rest) in DIARY_PROFILE.items():
        code = f"{prefix}" if short_name == "syntetisk" else f"{short_name[:3].upper()}-{prefix}"
        authority, _ = Authority.objects.get_or_create(organisation=org, code=code, defaults={"name": name})
        Unit.objects.get_or_create(organisation=org, authority=authority, name=f"{name} – förvaltning")
        diary_prefix = code if short_name == "syntetisk" else code.replace("-", "")
        diary = Diary.objects.filter(prefix=diary_prefix).first()
        if diary is None:
            diary = Diary.objects.create(authority=authority, prefix=diary_prefix, name=f"{name}s diarium")
        diaries[prefix] = diary
        # A municipality publishes its diary on the web (what the rule lets through).
        PublicationSettings.objects.get_or_create(authority=authority, defaults={"enabled": True})
    user, created = User.objects.get_or_create(username=f"{short_name}-registrator", defaults={"organisation": org, "first_name": "Synt", "last_name": "Registrator"})
    if created:
        user.set_unusable_password()
        user.save()
        for diary in diaries.values():
            RoleAssignment.objects.create(user=user, role=Role.REGISTRATOR, diary=diary)
    return org, diaries, user


def generate(
    *,
    cases: int,
    documents_per_case: float = 3.0,
    seed: int = 1,
    years: int = 2,
    organisation: str = "syntetisk",
    batch: int = 5000,
    progress=None,
) -> Result:
    with _large_page_cache():
        return _generate(
            cases=cases, documents_per_case=documents_per_case, seed=seed, years=years, organisation=organisation,
            batch=batch, progress=progress,
        )


@contextlib.contextmanager
def _large_page_cache():
    """SQLite's default page cache (2 MB) is small for indexes of millions of rows; a
    larger one for the run saves re-reading index pages (≈ 10 % at 200 000 cases)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = int(cur.fetchone()[0])
        cur.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {before}")


def _generate(*, cases, documents_per_case, seed, years, organisation, batch, progress) -> Result:
    started = time.perf_counter()
    rng = random.Random(seed)
    org, diaries, registrar = ensure_organisation(organisation)
    officers = list(User.objects.filter(organisation=org).values_list("pk", flat=True)) or [registrar.pk]
    units = {p: Unit.objects.filter(authority=d.authority).values_list("pk", flat=True).first() for p, d in diaries.items()}
    today = timezone.localdate()
    first_year = today.year - years + 1
    # Later years carry more registrations (growth), as in real diaries.
    year_weights = [1.0 + 0.25 * i for i in range(years)]
    prefixes = list(DIARY_PROFILE)
    weights = [DIARY_PROFILE[p][1] for p in prefixes]
    counters: dict[tuple[int, int], int] = {}
    for diary in diaries.values():
        for s in NumberSeries.objects.filter(diary=diary, kind=NumberSeries.Kind.CASE):
            counters[(diary.pk, s.year)] = s.last_number
    made_cases = made_docs = made_parties = 0
    tz = timezone.get_current_timezone()

    ins = _inserters()
    now = timezone.now()
    remaining = cases
    while remaining > 0:
        n = min(batch, remaining)
        remaining -= n
        rows: dict[str, list] = {k: [] for k in ins}
        picks = []
        for _ in range(n):
            prefix = rng.choices(prefixes, weights)[0]
            year = first_year + rng.choices(range(years), year_weights)[0]
            picks.append((prefix, year))
        # Numbers are taken in year order so they grow with time.
        picks.sort(key=lambda p: p[1])
        for prefix, year in picks:
            diary = diaries[prefix]
            key = (diary.pk, year)
            counters[key] = counters.get(key, 0) + 1
            number = counters[key]
            last_day = today if year == today.year else dt.date(year, 12, 31)
            opened = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, (last_day - dt.date(year, 1, 1)).days + 1))
            registered_at = dt.datetime.combine(opened, dt.time(rng.randrange(7, 17), rng.randrange(0, 60)), tzinfo=tz)
            is_person = prefix == "SN" or rng.random() < 0.55
            first, last = rng.choice(v.FIRST_NAMES), rng.choice(v.LAST_NAMES)
            party_id = new_id()
            party = dict(_PARTY_DEFAULTS, id=party_id, organisation_id=org.pk, created_at=now, updated_at=now)
            if is_person:
                party.update(
                    kind=Party.Kind.PERSON, personal_number=personal_number(rng), first_name=first, last_name=last,
                    street_address=f"{rng.choice(v.STREETS)} {rng.randrange(1, 80)}",
                    postal_code=f"{rng.randrange(100, 999)} {rng.randrange(10, 99)}", city="Exempelby",
                    is_protected_identity=rng.random() < 0.002,
                )
            else:
                party.update(kind=Party.Kind.ORGANISATION, org_number=org_number(rng), organisation_name=rng.choice(v.COMPANIES), city="Exempelby")
            rows["party"].append(ins["party"].row(party))
            title = _fill(rng.choice(v.TEMPLATES[prefix]), rng, f"{first} {last}")[:500]
            _name, _w, secret_share, restricted_share = DIARY_PROFILE[prefix]
            secret = rng.random() < secret_share
            closed = opened < today - dt.timedelta(days=60) and rng.random() < 0.8
            case_id = new_id()
            reference = f"{diary.prefix} {year}/{number}"
            level = PersonalDataLevel.PROTECTED if secret else (PersonalDataLevel.EXTERNAL if is_person else PersonalDataLevel.PUBLISHABLE)
            restricted = rng.random() < restricted_share
            k = max(1, int(rng.expovariate(1 / documents_per_case) + 0.5))
            # Drawn in this order so a seed gives the same municipality as before.
            description = f"Ärendet registrerades {opened.isoformat()}." if rng.random() < 0.3 else ""
            status = Case.Status.CLOSED if closed else rng.choice(_OPEN_STATUSES)
            officer = rng.choice(officers)
            closed_at = registered_at + dt.timedelta(days=rng.randrange(5, 60)) if closed else None
            rows["case"].append(ins["case"].row(dict(
                id=case_id, diary_id=diary.pk, year=year, number=number, reference=reference, title=title,
                description=description, process_id=None, case_type_id=None, status=status,
                responsible_unit_id=units[prefix], officer_id=officer, main_case_id=None, opened_date=opened,
                registered_at=registered_at, registered_by_id=registrar.pk, closed_at=closed_at,
                last_document_number=k, event_sequence=0, voided_at=None, voided_by_id=None, void_reason="",
                updated_at=closed_at or registered_at,
                public_title=_public_title(prefix, title) if secret else "", title_secret=secret,
                description_secret=secret and rng.random() < 0.5, parties_secret=secret, files_secret=False,
                personal_data_level=level, restricted=restricted,
            )))
            rows["case_party"].append(ins["case_party"].row(dict(case_id=case_id, party_id=party_id, role=CaseParty.Role.APPLICANT, added_at=now)))
            for m in range(1, k + 1):
                direction = "inkommande" if m == 1 else rng.choices(_DIRECTION_NAMES, _DIRECTION_WEIGHTS)[0]
                doc_date = min(opened + dt.timedelta(days=(m - 1) * rng.randrange(1, 20)), today)
                doc_id = new_id()
                doc_registered = dt.datetime.combine(doc_date, registered_at.timetz())
                rows["document"].append(ins["document"].row(dict(
                    id=doc_id, case_id=case_id, diary_id=diary.pk, number=m, reference=f"{reference}-{m}", direction=direction,
                    title=rng.choice(v.DOCUMENT_TITLES[direction]), document_type_id=None, document_date=doc_date,
                    registered_at=doc_registered, registered_by_id=registrar.pk,
                    voided_at=None, voided_by_id=None, void_reason="", updated_at=doc_registered,
                    public_title="", title_secret=False, description_secret=False, parties_secret=secret, files_secret=False,
                    personal_data_level=level, restricted=restricted,
                )))
                if direction in ("inkommande", "utgaende"):
                    role = "avsandare" if direction == "inkommande" else "mottagare"
                    rows["correspondent"].append(ins["correspondent"].row(dict(document_id=doc_id, party_id=party_id, role=role)))
        with transaction.atomic():
            for name in ("party", "case", "case_party", "document", "correspondent"):
                ins[name].insert(rows[name])
            for (diary_id, year), last_number in counters.items():
                updated = NumberSeries.objects.filter(diary_id=diary_id, year=year, kind=NumberSeries.Kind.CASE).update(last_number=last_number)
                if not updated:
                    NumberSeries.objects.create(diary_id=diary_id, year=year, kind=NumberSeries.Kind.CASE, last_number=last_number)
        made_cases += len(rows["case"])
        made_docs += len(rows["document"])
        made_parties += len(rows["party"])
        if progress:
            progress(made_cases, made_docs, time.perf_counter() - started)
    return Result(made_cases, made_docs, made_parties, time.perf_counter() - started)


def max_case_number(diary: Diary, year: int) -> int:
    return Case.objects.filter(diary=diary, year=year).aggregate(m=Max("number"))["m"] or 0
