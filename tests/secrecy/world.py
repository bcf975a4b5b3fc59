"""Registering secret objects through the services, for the secrecy tests.

Every secret text carries its own marker, so a test can tell which part leaked:

    CT  the case's title           CD  the case's description
    PT  the case's offentlig rubrik (never secret: shown instead of CT)
    DT  the document's title       DP  the document's offentlig rubrik
    PN  the party's last name      FN  the file's name     FC  the file's content
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.files import services as file_services
from knutpunkt.organisations.models import Role, RoleAssignment
from knutpunkt.registry import secrecy, services
from knutpunkt.registry.models import Case, CaseParty, Correspondent, Document
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import AuthorityFactory, DiaryFactory, OrganisationFactory, UserFactory

from .support import new_marker

PARTS = ("title", "description", "parties", "files")
KEYS = ("CT", "CD", "PT", "DT", "DP", "PN", "FN", "FC")


@dataclass
class World:
    """One organisation with two authorities: A keeps diary `diary` (where the objects
    are registered), B keeps `other_diary`. `group` is an access group of A; `owner`
    registers (registrator of `diary`)."""

    organisation: object
    authority: object
    other_authority: object
    diary: object
    other_diary: object
    group: object
    owner: object
    provision: object


def make_world(prefix: str = "SEK") -> World:
    org = OrganisationFactory()
    authority, other = AuthorityFactory(organisation=org), AuthorityFactory(organisation=org)
    diary = DiaryFactory(authority=authority, prefix=prefix)
    other_diary = DiaryFactory(authority=other, prefix=f"{prefix}B")
    group = AccessGroup.objects.create(authority=authority, name="Utredningsgruppen")
    owner = UserFactory(organisation=org, username=f"agare-{prefix.lower()}")
    RoleAssignment.objects.create(user=owner, role=Role.REGISTRATOR, diary=diary)
    provision = LegalProvision.objects.filter(organisation=None, active=True, valid_to__isnull=True).order_by("pk").first()
    return World(org, authority, other, diary, other_diary, group, owner, provision)


@dataclass
class Protection:
    parts: frozenset = frozenset()  # secret parts; empty = no marking
    level: str = "publicerbar"
    restricted: bool = False
    group: bool = False  # the access group is named on the object


@dataclass
class Secret:
    marker: str
    case: Case
    document: Document
    party: object
    file: object
    texts: dict = field(default_factory=dict)  # key (CT, CD, …) → the marker text

    def text(self, key: str) -> str:
        return self.texts[key]


def protect(world: World, obj, protection: Protection, marker: str, public_key: str) -> None:
    actor = world.owner
    if protection.parts:
        public = f"Offentlig rubrik {public_key}{marker}"
        secrecy.set_marking(obj, actor=actor, provisions=[world.provision], secret_parts=set(protection.parts),
                            reason="Skäl för markering", public_title=public)
    if protection.level != "publicerbar":
        secrecy.set_personal_data_level(obj, protection.level, actor=actor, reason="Skäl för nivå")
    if protection.restricted or protection.group:
        secrecy.set_restriction(obj, actor=actor, restricted=protection.restricted,
                                access_groups=[world.group] if protection.group else [], reason="Skäl för åtkomst")


def register_secret(
    world: World,
    *,
    case_protection: Protection = Protection(),
    document_protection: Protection = Protection(),
    protected_party: bool = False,
    file_secret: bool = False,
    officer=None,
    marker: str | None = None,
) -> Secret:
    """A case with one party (also the document's sender), one incoming document and one
    file, registered and protected through the services."""
    marker = marker or new_marker()
    texts = {key: f"{key}{marker}" for key in KEYS}
    party = find_or_create_party(
        world.organisation,
        PartyInput(kind="person", first_name="Greta", last_name=texts["PN"], is_protected_identity=protected_party,
                   contact={"street_address": f"Gatan 1 {texts['PN']}"}),
        authority=world.authority,
    )
    case = services.register_case(
        world.diary, actor=world.owner, title=f"Ärende {texts['CT']}", description=f"Beskrivning {texts['CD']}",
        officer=officer, opened_date=dt.date.today(), parties=[(party, CaseParty.Role.APPLICANT)],
    )
    document = services.register_document(
        actor=world.owner, case=case, direction=Document.Direction.INCOMING, title=f"Handling {texts['DT']}",
        correspondents=[(party, Correspondent.Role.SENDER)],
    )
    file = file_services.add_file(document, io.BytesIO(f"Innehåll {texts['FC']}\n".encode()), f"{texts['FN']}.txt", actor=world.owner)
    protect(world, case, case_protection, marker, "PT")
    protect(world, document, document_protection, marker, "DP")
    if file_secret and document_protection.parts:
        file = file_services.set_file_secret(file, True, actor=world.owner, reason="Läkarintyg")
    case = Case.objects.select_related("diary").prefetch_related("access_groups").get(pk=case.pk)
    document = Document.objects.select_related("case", "diary").prefetch_related("access_groups").get(pk=document.pk)
    file.refresh_from_db()
    party.refresh_from_db()
    return Secret(marker, case, document, party, file, texts)
