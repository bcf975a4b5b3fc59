"""Who the authority is and who works in it: organisations, authorities (the secrecy
boundary), units, diaries with their number series, users and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Organisation(models.Model):
    """A kommun, region or bolag: the tenant."""

    name = models.CharField("namn", max_length=200)
    short_name = models.SlugField("kortnamn", max_length=50, unique=True)
    org_number = models.CharField("organisationsnummer", max_length=11, blank=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Authority(models.Model):
    """A nämnd, styrelse or bolag: a legal authority and a secrecy boundary (OSL 8 kap.)."""

    class Kind(models.TextChoices):
        FULLMAKTIGE = "fullmaktige", "Fullmäktige"
        STYRELSE = "styrelse", "Styrelse"
        NAMND = "namnd", "Nämnd"
        BOLAG = "bolag", "Bolag"
        OVRIG = "ovrig", "Övrig"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="authorities", verbose_name="organisation")
    name = models.CharField("namn", max_length=200)
    code = models.CharField("förkortning", max_length=20, help_text="t.ex. KS, BN")
    kind = models.CharField("typ", max_length=20, choices=Kind.choices, default=Kind.NAMND)
    org_number = models.CharField("organisationsnummer", max_length=11, blank=True)

    class Meta:
        verbose_name = "myndighet"
        verbose_name_plural = "myndigheter"
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_authority_code")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Unit(models.Model):
    """A förvaltning or enhet: where people work."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units", verbose_name="organisation")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name="myndighet")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="överordnad enhet")
    name = models.CharField("namn", max_length=200)
    code = models.CharField("kod", max_length=30, blank=True)

    class Meta:
        verbose_name = "enhet"
        verbose_name_plural = "enheter"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Diary(models.Model):
    """A diarium kept by an authority; owns its number series (per year)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="diaries", verbose_name="myndighet")
    name = models.CharField("namn", max_length=200)
    prefix = models.CharField("prefix", max_length=20, unique=True, help_text="Står först i diarienumret, t.ex. KS i KS 2026/123")
    active = models.BooleanField("aktivt", default=True)

    class Meta:
        verbose_name = "diarium"
        verbose_name_plural = "diarier"
        ordering = ["prefix"]

    def __str__(self):
        return f"{self.prefix} – {self.name}"

    @property
    def organisation(self):
        return self.authority.organisation


class NumberSeries(models.Model):
    """The last number taken in a diary for a year and a kind of registration.

    The counter row is updated inside the registering transaction, so a rollback
    gives the number back (gap-free) and a concurrent registration waits on the row.
    """

    class Kind(models.TextChoices):
        CASE = "case", "Ärenden"
        DOCUMENT = "document", "Handlingar utan ärende"

    diary = models.ForeignKey(Diary, on_delete=models.PROTECT, related_name="series")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CASE)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "nummerserie"
        verbose_name_plural = "nummerserier"
        constraints = [models.UniqueConstraint(fields=["diary", "year", "kind"], name="uniq_number_series")]

    def __str__(self):
        return f"{self.diary.prefix} {self.year} ({self.get_kind_display()}): {self.last_number}"


class User(AbstractUser):
    """A person who signs in. Global administrators see and manage everything."""

    is_global_admin = models.BooleanField("global administratör", default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name="organisation")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name="enhet")

    class Meta:
        verbose_name = "användare"
        verbose_name_plural = "användare"

    def __str__(self):
        full = self.get_full_name()
        return full or self.username


class Role(models.TextChoices):
    REGISTRATOR = "registrator", "Registrator"
    HANDLAGGARE = "handlaggare", "Handläggare"
    LASARE = "lasare", "Läsare"
    ARKIVARIE = "arkivarie", "Arkivarie"
    LOKAL_ADMIN = "lokal_admin", "Lokal administratör"


class RoleAssignment(models.Model):
    """A role held in a whole authority (all its diaries) or in one diary."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="användare")
    role = models.CharField("roll", max_length=20, choices=Role.choices)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments", verbose_name="myndighet")
    diary = models.ForeignKey(Diary, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments", verbose_name="diarium")
    protected_identity_access = models.BooleanField(
        "får se skyddade personuppgifter", default=False,
        help_text="Ger rätt att se verklig identitet och adress för parter med skyddad identitet i detta diarium/denna myndighet.",
    )

    class Meta:
        verbose_name = "rolltilldelning"
        verbose_name_plural = "rolltilldelningar"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(authority__isnull=False, diary__isnull=True) | models.Q(authority__isnull=True, diary__isnull=False)),
                name="role_scope_authority_xor_diary",
            ),
        ]

    def __str__(self):
        scope = self.diary or self.authority
        return f"{self.user} – {self.get_role_display()} i {scope}"
