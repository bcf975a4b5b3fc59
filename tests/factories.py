"""Factories for the test suite: build a small municipality with a call or two."""

import factory
from factory.django import DjangoModelFactory

from knutpunkt.classification.models import CaseType, Class, ClassificationScheme, DocumentType, RetentionRule
from knutpunkt.organisations.models import Authority, Diary, Organisation, Role, RoleAssignment, Unit, User
from knutpunkt.registry.models import Party

# Valid test identities (Skatteverket's published test personnummer series and made-up
# organisationsnummer with a correct check digit).
VALID_PERSONAL_NUMBERS = ["19121212-1212", "19900101-0017", "20010203-0004", "19850315-3382"]
VALID_ORG_NUMBERS = ["212000-1355", "556036-0793", "802456-1147"]


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    short_name = factory.Sequence(lambda n: f"testkommun-{n}")


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Authority

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    code = factory.Sequence(lambda n: f"N{n}")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SelfAttribute("authority.organisation")
    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")


class DiaryFactory(DjangoModelFactory):
    class Meta:
        model = Diary

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.LazyAttribute(lambda o: f"Diarium för {o.authority.name}")
    prefix = factory.Sequence(lambda n: f"D{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    password = factory.PostGenerationMethodCall("set_password", "losenord-123")

    @factory.post_generation
    def save_after(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(diary, role=Role.REGISTRATOR, **kwargs) -> User:
    user = UserFactory(organisation=diary.authority.organisation, **kwargs)
    RoleAssignment.objects.create(user=user, role=role, diary=diary)
    return user


def user_with_authority_role(authority, role=Role.HANDLAGGARE, **kwargs) -> User:
    user = UserFactory(organisation=authority.organisation, **kwargs)
    RoleAssignment.objects.create(user=user, role=role, authority=authority)
    return user


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = ClassificationScheme

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Klassificeringsstruktur"
    version = factory.Sequence(lambda n: str(n + 1))
    status = ClassificationScheme.Status.ACTIVE


def process_in(scheme, code="1.1.1", title="Hantera ansökningar") -> Class:
    parts = code.split(".")
    levels = Class.LEVEL_ORDER[-len(parts):] if len(parts) <= 4 else Class.LEVEL_ORDER
    parent = None
    for i, level in enumerate(levels):
        node_code = ".".join(parts[: i + 1])
        parent, _ = Class.objects.get_or_create(
            scheme=scheme, code=node_code, defaults={"parent": parent, "level": level, "title": title if i == len(levels) - 1 else f"Nivå {node_code}"}
        )
    return parent


def case_type_in(process, code="AT1", title="Ansökan") -> CaseType:
    return CaseType.objects.create(process=process, code=code, title=title)


def document_type_in(process, code="HT1", title="Ansökan", keep=True) -> DocumentType:
    rule, _ = RetentionRule.objects.get_or_create(
        scheme=process.scheme, code="B" if keep else "G2",
        defaults={"action": RetentionRule.Action.KEEP if keep else RetentionRule.Action.DISPOSE,
                  "period_months": None if keep else 24, "trigger": "" if keep else RetentionRule.Trigger.CASE_CLOSED},
    )
    return DocumentType.objects.create(process=process, code=code, title=title, retention_rule=rule)


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Party.Kind.PERSON
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Andersson{n}")
