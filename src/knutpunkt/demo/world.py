"""The organisation side of the demo: Exempelby kommun, its authorities, diaries,
units and the demo accounts with their roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from knutpunkt.organisations import services as organisation_services
from knutpunkt.organisations.models import Authority, Diary, Organisation, Unit, User

from . import content


@dataclass
class World:
    organisation: Organisation
    authorities: dict[str, Authority] = field(default_factory=dict)
    diaries: dict[str, Diary] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def build_world() -> World:
    org = Organisation.objects.create(**content.ORGANISATION)
    world = World(organisation=org)
    for code, name, kind, diary_name, _share in content.AUTHORITIES:
        authority = Authority.objects.create(organisation=org, name=name, code=code, kind=kind)
        world.authorities[code] = authority
        world.diaries[code] = Diary.objects.create(authority=authority, name=diary_name, prefix=code)
    for code, name, authority_code, parent_code in content.UNITS:
        world.units[code] = Unit.objects.create(
            organisation=org, authority=world.authorities[authority_code], parent=world.units.get(parent_code), name=name, code=code
        )
    # Every demo account shares one password: hash it once (Argon2 is slow on purpose).
    password = make_password(content.DEMO_PASSWORD)
    for username, first, last, unit, _roles, flags in content.USERS:
        global_admin = flags.get("global_admin", False)
        world.users[username] = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@exempelby.example",
            password=password,
            organisation=org,
            unit=world.units[unit],
            is_global_admin=global_admin,
            is_superuser=global_admin,
            is_staff=global_admin,
        )
    admin = world.users["admin"]
    for username, _first, _last, _unit, roles, _flags in content.USERS:
        user = world.users[username]
        for role, where in roles:
            codes = list(world.authorities) if where == "*" else [where]
            for code in codes:
                organisation_services.grant_role(user, role, authority=world.authorities[code], actor=admin)
    return world
