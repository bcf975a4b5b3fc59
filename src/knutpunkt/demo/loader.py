"""Loading the demo municipality, Exempelby kommun, through the real services.

Cases, documents, parties and files are registered with registry.services and
files.services exactly as a registrator and handläggare would, with the clock moved
(demo.timetravel) so the registrations spread over the last two years: dates, number
series per year, events and closing all look lived-in. Deterministic from the seed.

Everything is loaded in one transaction: a failed load leaves nothing behind, so
"loaded or not" is simply whether the organisation exists.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from knutpunkt.access.models import LegalProvision
from knutpunkt.files import services as file_services
from knutpunkt.organisations.models import Organisation
from knutpunkt.registry import secrecy
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import CaseParty, Correspondent, Party
from knutpunkt.registry.parties import PartyInput, find_or_create_party

from . import content, identities
from .catalogue import Catalogue
from .files import letter_pdf, mail_text
from .timetravel import travelling_clock
from .world import World, build_world

DEFAULT_CASES = 500
DEFAULT_SEED = 2026
DOC_COUNT_WEIGHTS = [(1, 14), (2, 24), (3, 30), (4, 19), (5, 13)]
STALE_SHARE = 0.42  # of the cases whose work would be done, how many are left open (fewer of the old ones)
DEADLINE_FLOWS = {"ansokan": "Beslut senast", "anmalan": "Beslut senast", "klagomal": "Uppföljning av klagomålet",
                  "tillsyn": "Uppföljning av tillsynen", "remiss": "Sista dag för remissvar"}
PARTY_ROLES = {"klagomal": CaseParty.Role.OTHER, "tillsyn": CaseParty.Role.CONCERNED, "remiss": CaseParty.Role.OTHER,
               "lexsarah": CaseParty.Role.OTHER, "upphandling": CaseParty.Role.OTHER, "avtal": CaseParty.Role.COUNTERPART}


SOCIAL_SECRECY_PROVISION = "26 kap. 1 §"
SOCIAL_SECRECY = "Uppgifter om enskilds personliga förhållanden inom socialtjänsten."

# Days the registry is closed whatever the weekday (the movable feasts are left out).
HOLIDAYS = {"01-01", "01-06", "05-01", "06-06", "12-24", "12-25", "12-26", "12-31"}


class AlreadyLoaded(Exception):
    pass


@dataclass
class DemoSummary:
    cases: int = 0
    documents: int = 0
    files: int = 0
    closed: int = 0
    voided_documents: int = 0
    voided_cases: int = 0
    loose_documents: int = 0
    secret_cases: int = 0
    parties: int = 0
    users: int = 0
    process_match: float = 0.0
    seconds: float = 0.0
    series: dict[str, int] = field(default_factory=dict)


def demo_loaded() -> bool:
    return Organisation.objects.filter(short_name=content.ORGANISATION["short_name"]).exists()


def default_structure(organisation):
    from knutpunkt.classification.services import load_demo_structure

    return load_demo_structure(organisation, activate=True)


def load_demo(
    *,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    end: dt.datetime | None = None,
    structure: Callable | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Load Exempelby kommun with about `cases` cases registered from 1 January last
    year until `end` (now). Raises AlreadyLoaded if it is there already."""
    started = time.monotonic()
    if demo_loaded():
        raise AlreadyLoaded("Demokommunen finns redan.")
    end = timezone.localtime(end or timezone.now()).replace(second=0, microsecond=0)
    start = timezone.make_aware(dt.datetime(end.year - 1, 1, 2, 8, 0))
    loader = _Loader(random.Random(seed), start, end, progress or (lambda _msg: None))
    with transaction.atomic(), travelling_clock(start) as clock:
        loader.clock = clock
        loader.world = build_world()
        loader.catalogue = Catalogue((structure or default_structure)(loader.world.organisation))
        loader.load_cases(cases)
        loader.load_loose_documents(max(1, cases // 25) if cases >= 10 else 0)
    publish_demo_diaries(loader.world.organisation)
    summary = loader.summary
    summary.users = len(loader.world.users)
    summary.parties = Party.objects.filter(organisation=loader.world.organisation).count()
    summary.process_match = loader.catalogue.matched / max(1, loader.catalogue.lookups)
    summary.seconds = time.monotonic() - started
    return summary


PUBLISHED_AUTHORITIES = ("KF", "KS", "BN", "MN", "TN")  # not SN: its diary is almost all secret


def publish_demo_diaries(organisation) -> None:
    """Switch on the public diary for the demo's authorities (each receives its own
    disclosure requests) and publish what is due."""
    from knutpunkt.organisations.models import Authority
    from knutpunkt.publicdiary.models import PublicationSettings
    from knutpunkt.publicdiary.services import publish_all

    authorities = Authority.objects.filter(organisation=organisation, code__in=PUBLISHED_AUTHORITIES)
    for authority in authorities:
        PublicationSettings.objects.update_or_create(
            authority=authority,
            defaults={"enabled": True, "request_diary": authority.diaries.order_by("pk").first(), "delay_hours": 0},
        )
    # The demo's history happened on a travelling clock, but every row's updated_at is
    # the real time of loading, so with the delay every entry would wait a day: publish
    # (and index) the history without it, then set the usual delay for what comes next.
    publish_all()
    PublicationSettings.objects.filter(authority__in=authorities).update(delay_hours=24)


@dataclass
class _CasePlan:
    authority: str
    template: tuple
    registered: dt.datetime
    doc_count: int
    closes: dt.datetime | None
    dormant: bool = False
    duplicate: bool = False


class _Loader:
    def __init__(self, rnd: random.Random, start: dt.datetime, end: dt.datetime, progress):
        self.rnd = rnd
        self.start, self.end = start, end
        self.progress = progress
        self.summary = DemoSummary()
        self.clock = None
        self.world: World | None = None
        self.catalogue: Catalogue | None = None
        self.persons = [self._person() for _ in range(400)]
        self.companies = [self._organisation_input(name, "55") for name in content.COMPANIES]
        self.associations = [self._organisation_input(name, "80") for name in content.ASSOCIATIONS]
        self.agencies = [PartyInput(kind=Party.Kind.ORGANISATION, organisation_name=name) for name in content.AGENCIES]
        self._parties: dict[tuple, Party] = {}
        self.provision = LegalProvision.objects.filter(
            reference=SOCIAL_SECRECY_PROVISION, organisation__isnull=True, active=True
        ).first()
        self._cases_by_diary: dict[str, list] = {}

    # --- parties -------------------------------------------------------------------

    def _person(self) -> PartyInput:
        rnd = self.rnd
        first, last = rnd.choice(content.FIRST_NAMES), rnd.choice(content.LAST_NAMES)
        place, postcode = rnd.choice(content.PLACES)
        contact = {
            "street_address": f"{rnd.choice(content.STREETS)} {rnd.randint(1, 60)}",
            "postal_code": f"{postcode} {rnd.randint(30, 99)}",
            "city": place.upper(),
        }
        if rnd.random() < 0.6:
            contact["email"] = f"{first}.{last}{rnd.randint(1, 99)}@example.se".lower().translate(str.maketrans("åäöé", "aaoe"))
        protected = rnd.random() < 0.01
        return PartyInput(
            kind=Party.Kind.PERSON,
            personal_number=identities.personal_number(rnd) if rnd.random() < 0.85 else "",
            first_name=first,
            last_name=last,
            contact={} if protected else contact,  # skyddad folkbokföring: no address on file
            is_protected_identity=protected,
        )

    def _organisation_input(self, name: str, group: str) -> PartyInput:
        place, postcode = self.rnd.choice(content.PLACES)
        return PartyInput(
            kind=Party.Kind.ORGANISATION,
            org_number=identities.org_number(self.rnd, group),
            organisation_name=name,
            contact={"street_address": f"Box {self.rnd.randint(10, 999)}", "postal_code": f"{postcode} 21", "city": place.upper()},
        )

    def party(self, kind: str | None, authority_code: str) -> Party | None:
        """A party from the pools. Reused within an authority only, as registrations do:
        an authority is a secrecy boundary (registry.parties.find_or_create_party)."""
        pool = {"person": self.persons, "company": self.companies, "association": self.associations, "agency": self.agencies}.get(kind)
        if not pool:
            return None
        data = self.rnd.choice(pool)
        key = (id(data), authority_code)
        if key not in self._parties:
            # find_or_create_party normalises in place; give it a copy.
            self._parties[key] = find_or_create_party(
                self.world.organisation, PartyInput(**{**data.__dict__, "contact": dict(data.contact)}),
                authority=self.world.authorities[authority_code],
            )
        return self._parties[key]

    # --- time ------------------------------------------------------------------------

    def _working_moment(self, day: dt.date, earliest: dt.datetime | None = None) -> dt.datetime:
        while day.weekday() >= 5 or f"{day:%m-%d}" in HOLIDAYS:
            day += dt.timedelta(days=1)
        minute = self.rnd.randint(8 * 60, 16 * 60 + 30)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))
        if earliest is not None and moment <= earliest:
            moment = earliest + dt.timedelta(minutes=self.rnd.randint(5, 90))
        return min(moment, self.end)

    def _last_working_day(self) -> dt.date:
        day = (self.end - dt.timedelta(hours=1)).date() - dt.timedelta(days=1)
        while day.weekday() >= 5 or f"{day:%m-%d}" in HOLIDAYS:
            day -= dt.timedelta(days=1)
        return day

    def later(self, moment: dt.datetime) -> None:
        """Move the clock forward to moment (never back, never past the end), so a
        case's events keep their order in time."""
        self.clock.set(min(max(moment, self.clock.now()), self.end))

    def _random_day(self, first: dt.date, last: dt.date) -> dt.date:
        """A working day between first and last (drawn again rather than moved, so
        Mondays do not collect the weekends)."""
        for _ in range(20):
            day = first + dt.timedelta(days=self.rnd.randint(0, max(0, (last - first).days)))
            if day.weekday() < 5 and f"{day:%m-%d}" not in HOLIDAYS:
                return day
        return day

    # --- planning ----------------------------------------------------------------------

    def plan(self, count: int) -> list[_CasePlan]:
        rnd = self.rnd
        codes = [a[0] for a in content.AUTHORITIES]
        shares = [a[4] for a in content.AUTHORITIES]
        sizes, weights = zip(*DOC_COUNT_WEIGHTS)
        last_day = self._last_working_day()
        plans = []
        for _ in range(count):
            code = rnd.choices(codes, shares)[0]
            templates = content.CASE_TEMPLATES[code]
            template = rnd.choices(templates, [t[5] for t in templates])[0]
            registered = self._working_moment(self._random_day(self.start.date(), last_day))
            days = content.FLOWS[template[2]]["days"]
            duration = dt.timedelta(days=max(1.0, rnd.lognormvariate(0, 0.6) * days))
            closes = registered + duration
            if closes >= self.end or rnd.random() < STALE_SHARE * (1 - (self.end - closes).days / 1400):
                closes = None
            plans.append(_CasePlan(code, template, registered, rnd.choices(sizes, weights)[0], closes))
        plans.sort(key=lambda p: p.registered)
        for p in plans:
            p.dormant = p.closes is None and rnd.random() < 0.07
        if count >= 40:
            for p in rnd.sample(plans[10:], 2):
                p.duplicate, p.closes, p.doc_count, p.dormant = True, None, 1, False
        return plans

    # --- loading -----------------------------------------------------------------------

    def load_cases(self, count: int) -> None:
        plans = self.plan(count)
        for i, plan in enumerate(plans, start=1):
            self.load_case(plan)
            if i % 100 == 0:
                self.progress(f"{i} av {len(plans)} ärenden registrerade")

    def _fill(self, text: str, values: dict) -> str:
        return text.format_map(values)

    def _values(self, plan: _CasePlan, party: Party | None, other: Party | None) -> dict:
        rnd = self.rnd
        year = plan.registered.year
        values = {name: rnd.choice(pool) for name, pool in content.POOLS.items()}
        place = rnd.choice(content.PLACES)[0]
        values.update(
            fastighet=f"{place} {rnd.choice(content.TRACTS)} {rnd.randint(1, 30)}:{rnd.randint(1, 150)}",
            gata=rnd.choice(content.STREETS),
            adress=f"{rnd.choice(content.STREETS)} {rnd.randint(1, 60)}, {place}",
            parti=rnd.choice(content.POLITICAL_PARTIES),
            year=year, year_before=year - 1, year_after=year + 1, year_after2=year + 3,
            company=(party.display_name if party is not None and party.org_number[:2] == "55" else rnd.choice(content.COMPANIES)),
            agency=(party.display_name if _is_agency(party) else rnd.choice(content.AGENCIES)),
        )
        subject = self._fill(plan.template[1], values)
        values.update(subject=subject, Subject=subject[:1].upper() + subject[1:])
        return values

    def _steps(self, flow: dict, plan: _CasePlan) -> list[tuple]:
        middle = list(flow["middle"])
        if plan.closes is not None and plan.doc_count >= 2:
            wanted = plan.doc_count - 2
            return [flow["first"], *middle[:wanted], flow["final"]]
        return [flow["first"], *middle[: plan.doc_count - 1]]

    def load_case(self, plan: _CasePlan) -> None:
        rnd, world = self.rnd, self.world
        code, template = plan.authority, plan.template
        title, _subject, flow_name, party_kind, process_words, _weight = template
        flow = content.FLOWS[flow_name]
        diary = world.diaries[code]
        officer = world.users[rnd.choice(content.OFFICERS[code])]
        registrator = world.users["registrator"]
        unit = world.units[rnd.choice(content.AUTHORITY_UNITS[code])]
        process = self.catalogue.process(process_words, code)
        case_type = self.catalogue.case_type(process, process_words)

        with transaction.atomic():
            self.clock.set(plan.registered)
            party = self.party(party_kind, code)
            other = self.party("company", code) if flow_name in ("klagomal", "upphandling") else party
            values = self._values(plan, party, other)
            steps = self._steps(flow, plan)
            first_direction = steps[0][0]
            received = plan.registered.date()
            if first_direction == "inkommande":
                # Post and mail often wait a day or two before they are registered.
                received = max(received - dt.timedelta(days=rnd.choice([0, 0, 0, 1, 1, 2, 3])), self.start.date())
            parties = [(party, PARTY_ROLES.get(flow_name, CaseParty.Role.APPLICANT))] if party is not None else []
            if flow_name == "klagomal" and other is not None and other != party:
                parties.append((other, CaseParty.Role.COUNTERPART))
            case = registry.register_case(
                diary,
                actor=registrator if first_direction == "inkommande" else officer,
                title=self._fill(title, values),
                process=process,
                case_type=case_type,
                responsible_unit=unit,
                officer=officer,
                opened_date=received if first_direction == "inkommande" else None,
                parties=parties,
            )
            self.summary.cases += 1
            self.summary.series[f"{code} {case.year}"] = case.number
            deadline = None
            if flow_name in DEADLINE_FLOWS and not plan.duplicate:
                deadline = registry.add_deadline(
                    case, actor=officer, description=DEADLINE_FLOWS[flow_name],
                    due_date=plan.registered.date() + dt.timedelta(days=int(flow["days"] * 1.2) + 7),
                )

            secret = code == "SN" and party is not None and party.kind == Party.Kind.PERSON and self.provision is not None
            if secret:
                # Socialtjänstsekretess: who turned to the social services is secret.
                secrecy.set_marking(case, actor=officer, provisions=[self.provision], secret_parts={"parties"}, reason=SOCIAL_SECRECY)
                self.summary.secret_cases += 1

            last = plan.closes or min(self.end, plan.registered + dt.timedelta(days=flow["days"] * 1.5))
            moments = [plan.registered]
            for _ in steps[1:]:
                moments.append(self._working_moment(self._random_day(plan.registered.date(), last.date()), None))
            moments = [moments[0], *sorted(moments[1:])]
            for i in range(1, len(moments)):
                if moments[i] <= moments[i - 1]:
                    moments[i] = min(moments[i - 1] + dt.timedelta(minutes=rnd.randint(5, 60)), self.end)
            for index, (step, moment) in enumerate(zip(steps, moments)):
                self.clock.set(moment)
                is_first = index == 0
                is_final = plan.closes is not None and index == len(steps) - 1 and len(steps) > 1
                document = self.register_step(case, step, values, party, other, officer, registrator, process,
                                              received if is_first else None, voidable=not (is_first or is_final))
                if secret and document.correspondents.exists() and document.voided_at is None:
                    secrecy.set_marking(document, actor=officer, provisions=[self.provision], secret_parts={"parties", "files"},
                                        reason=SOCIAL_SECRECY)

            if plan.duplicate:
                self.later(plan.registered + dt.timedelta(hours=2))
                for document in case.documents.all():
                    registry.void_document(document, actor=registrator, reason=content.VOID_CASE_REASON)
                registry.void_case(case, actor=registrator, reason=content.VOID_CASE_REASON)
                self.summary.voided_cases += 1
                return

            if code == "BN" and flow_name == "tillsyn" and self._cases_by_diary.get(code) and rnd.random() < 0.4:
                registry.link_cases(case, rnd.choice(self._cases_by_diary[code][-50:]), actor=officer, note="Samma fastighet")
            self._cases_by_diary.setdefault(code, []).append(case)

            if deadline is not None and plan.closes is None and (self.end - plan.registered).days > 240:
                # Old open cases: the bevakning was dealt with long ago; only recent ones are still running.
                self.later(plan.registered + dt.timedelta(days=flow["days"]))
                registry.complete_deadline(deadline, actor=officer)

            if plan.closes is not None:
                close_at = max(plan.closes, moments[-1] + dt.timedelta(minutes=30))
                self.later(close_at)
                if deadline is not None:
                    registry.complete_deadline(deadline, actor=officer)
                registry.close_case(case, actor=officer, reason=rnd.choice(content.CLOSE_REASONS))
                self.summary.closed += 1
            elif plan.dormant:
                self.later(moments[-1] + dt.timedelta(days=2))
                registry.set_case_status(case, "vilande", actor=officer, reason=rnd.choice(content.DORMANT_REASONS))

    def register_step(self, case, step, values, party, other, officer, registrator, process, received, *, voidable):
        rnd = self.rnd
        direction, title, type_words, who, file_kind = step
        correspondent = {"party": party, "other": other}.get(who) if who else None
        role = Correspondent.Role.SENDER if direction == "inkommande" else Correspondent.Role.RECIPIENT
        actor = registrator if direction == "inkommande" else officer
        now = self.clock.now()
        document = registry.register_document(
            actor=actor,
            case=case,
            direction=direction,
            title=self._fill(title, values),
            document_type=self.catalogue.document_type(process, [w.format_map(values) for w in type_words]),
            document_date=received or (now.date() if direction != "inkommande" else now.date() - dt.timedelta(days=rnd.choice([0, 0, 1]))),
            correspondents=[(correspondent, role)] if correspondent is not None else [],
        )
        self.summary.documents += 1
        self._add_files(document, case, correspondent, file_kind, actor)
        if voidable and rnd.random() < 0.015:
            self.later(now + dt.timedelta(minutes=20))
            registry.void_document(document, actor=self.world.users["registrator"], reason=content.VOID_DOCUMENT_REASON)
            self.summary.voided_documents += 1
        return document

    def _add_files(self, document, case, correspondent, file_kind, actor) -> None:
        authority = case.diary.authority if case is not None else document.diary.authority
        org_name = self.world.organisation.name
        sender = correspondent.display_name if (correspondent is not None and document.direction == "inkommande") else f"{org_name}, {authority.name}"
        date = document.document_date.isoformat()
        if file_kind == "mail":
            to = f"{authority.code.lower()}@exempelby.example" if document.direction == "inkommande" else (getattr(correspondent, "email", "") or "mottagare@example.se")
            body = [f"Hej!", "", f"Gäller: {case.title if case else document.title}", "",
                    "Se uppgifterna ovan. Hör av er om något saknas.", "", "Med vänlig hälsning", sender]
            data = mail_text(sender=sender, to=to, subject=document.title, date=date, body=body)
            name = f"E-post {date} {document.title}.txt"
        else:
            lines = [f"Datum: {date}"]
            if case is not None and document.direction != "inkommande":
                lines.append(f"Diarienummer: {case.reference}")
            if case is not None:
                lines += ["", f"Ärende: {case.title}"]
            lines += ["", *_BODY.get(document.direction, _BODY["upprattad"])]
            data = letter_pdf(document.title, lines, sender=sender, footer=f"{org_name} – demodata")
            name = f"{document.title}.pdf"
        file_services.add_file(document, io.BytesIO(data), name.replace("/", "-")[:200], actor=actor)
        self.summary.files += 1
        if self.rnd.random() < 0.12:
            extra = letter_pdf(f"Bilaga till {document.reference}", [f"Bilaga: {self.rnd.choice(content.POOLS['bilaga'])}", *_BODY["bilaga"]])
            file_services.add_file(document, io.BytesIO(extra), "Bilaga.pdf", actor=actor)
            self.summary.files += 1

    def load_loose_documents(self, count: int) -> None:
        rnd = self.rnd
        registrator = self.world.users["registrator"]
        last_day = self._last_working_day()
        moments = sorted(self._working_moment(self._random_day(self.start.date(), last_day)) for _ in range(count))
        for moment in moments:
            with transaction.atomic():
                self.clock.set(moment)
                code, title, kind = rnd.choice(content.LOOSE_DOCUMENTS)
                sender = self.party(kind, code)
                values = {name: rnd.choice(pool) for name, pool in content.POOLS.items()}
                values.update(agency=sender.display_name, gata=rnd.choice(content.STREETS))
                document = registry.register_document(
                    actor=registrator, diary=self.world.diaries[code], direction="inkommande", title=self._fill(title, values),
                    document_date=moment.date(), correspondents=[(sender, Correspondent.Role.SENDER)],
                )
                self._add_files(document, None, sender, "pdf", registrator)
                self.summary.documents += 1
                self.summary.loose_documents += 1


def _is_agency(party: Party | None) -> bool:
    return party is not None and party.kind == Party.Kind.ORGANISATION and not party.org_number


_BODY = {
    "inkommande": [
        "Härmed översänds handlingen för kännedom och handläggning.",
        "Vi ber om besked så snart ärendet har behandlats.",
        "", "Med vänlig hälsning",
    ],
    "upprattad": [
        "Förvaltningen har gått igenom underlaget i ärendet.",
        "Bedömningen redovisas nedan tillsammans med förslag till beslut.",
        "", "Förslag till beslut: att godkänna redovisningen.",
    ],
    "utgaende": [
        "Ni får detta brev eftersom ni är part i ärendet.",
        "Om ni har frågor, kontakta handläggaren via kommunens kontaktcenter.",
        "", "Upplysning om hur man överklagar finns i bilaga.",
    ],
    "bilaga": ["Bilagan hör till handlingen och ska läsas tillsammans med den."],
}
