"""The diarium: cases, documents, parties and the events that record every change.

Rows here are never deleted. Changes go through registry.services, which writes a
CaseEvent in the same transaction.
"""

from django.conf import settings
from django.db import models

from knutpunkt.access.models import PersonalDataLevel  # noqa: F401 - re-exported for callers
from knutpunkt.classification.models import CaseType, Class, DocumentType
from knutpunkt.core.ids import new_id
from knutpunkt.organisations.models import Diary, Organisation, Unit


class Protectable(models.Model):
    """What the access policy reads on a case or a document, kept on the row itself so
    the policy's filter is a plain WHERE clause. Written only by registry.secrecy."""

    public_title = models.CharField("offentlig rubrik", max_length=500, blank=True)
    title_secret = models.BooleanField("rubriken sekretess", default=False)
    description_secret = models.BooleanField("beskrivningen sekretess", default=False)
    parties_secret = models.BooleanField("parterna sekretess", default=False)
    files_secret = models.BooleanField("filerna sekretess", default=False)
    personal_data_level = models.CharField(
        "personuppgiftsskydd", max_length=20, choices=PersonalDataLevel.choices, default=PersonalDataLevel.PUBLISHABLE
    )
    restricted = models.BooleanField("begränsad åtkomst", default=False)

    class Meta:
        abstract = True

    @property
    def is_secret(self) -> bool:
        return self.title_secret or self.description_secret or self.parties_secret or self.files_secret


class Party(models.Model):
    """A private person or an organisation that appears in cases; reused across them."""

    class Kind(models.TextChoices):
        PERSON = "person", "Privatperson"
        ORGANISATION = "organisation", "Organisation"

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField("typ", max_length=20, choices=Kind.choices)
    personal_number = models.CharField("person-/samordningsnummer", max_length=12, blank=True, db_index=True)
    org_number = models.CharField("organisationsnummer", max_length=10, blank=True, db_index=True)
    first_name = models.CharField("förnamn", max_length=100, blank=True)
    last_name = models.CharField("efternamn", max_length=100, blank=True)
    organisation_name = models.CharField("organisationsnamn", max_length=255, blank=True)
    contact_person = models.CharField("kontaktperson", max_length=200, blank=True)
    street_address = models.CharField("utdelningsadress", max_length=255, blank=True)
    care_of = models.CharField("c/o", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=10, blank=True)
    city = models.CharField("postort", max_length=100, blank=True)
    country = models.CharField("land", max_length=100, blank=True)
    email = models.EmailField("e-post", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    is_protected_identity = models.BooleanField("skyddad identitet", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "part"
        verbose_name_plural = "parter"
        indexes = [models.Index(fields=["organisation", "last_name"]), models.Index(fields=["organisation", "organisation_name"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANISATION:
            return self.organisation_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def identity_number(self) -> str:
        return self.personal_number or self.org_number


class Case(Protectable):
    class Status(models.TextChoices):
        OPENED = "oppnat", "Öppnat"
        IN_PROGRESS = "pagaende", "Pågående"
        DORMANT = "vilande", "Vilande"
        CLOSED = "avslutat", "Avslutat"

    OPEN_STATUSES = (Status.OPENED, Status.IN_PROGRESS, Status.DORMANT)

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    diary = models.ForeignKey(Diary, on_delete=models.PROTECT, related_name="cases", verbose_name="diarium")
    year = models.PositiveSmallIntegerField("år")
    number = models.PositiveIntegerField("löpnummer")
    reference = models.CharField("diarienummer", max_length=40, unique=True)
    title = models.CharField("ärendemening", max_length=500)
    description = models.TextField("beskrivning", blank=True)
    process = models.ForeignKey(Class, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="process")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="ärendetyp")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.OPENED, db_index=True)
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="ansvarig enhet")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="officer_cases", verbose_name="handläggare")
    main_case = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_cases", verbose_name="huvudärende")
    opened_date = models.DateField("inkom/öppnat")
    registered_at = models.DateTimeField("registrerat", db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="registrerat av")
    closed_at = models.DateTimeField("avslutat", null=True, blank=True)
    last_document_number = models.PositiveIntegerField(default=0)
    event_sequence = models.PositiveIntegerField(default=0)
    voided_at = models.DateTimeField("makulerat", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    void_reason = models.TextField("skäl för makulering", blank=True)
    access_groups = models.ManyToManyField("access.AccessGroup", blank=True, related_name="cases", verbose_name="åtkomstgrupper")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ärende"
        verbose_name_plural = "ärenden"
        ordering = ["-registered_at"]
        constraints = [models.UniqueConstraint(fields=["diary", "year", "number"], name="uniq_case_number")]
        indexes = [
            models.Index(fields=["diary", "-registered_at"]),
            models.Index(fields=["officer", "status"]),
            # The access policy filters on diary_id (and lists leave voided cases out):
            # counts of what a reader may see are then index-only scans, and the newest
            # first page of all cases (global administrator) is read in index order.
            # benchmarks/access.py, docs/benchmarks.md "Åtkomstkontroll".
            models.Index(fields=["diary", "voided_at"], name="case_diary_voided_idx"),
            models.Index(fields=["voided_at", "registered_at", "diary"], name="case_voided_newest_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class CaseParty(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "sokande", "Sökande"
        COUNTERPART = "motpart", "Motpart"
        REPRESENTATIVE = "ombud", "Ombud"
        CONCERNED = "berord", "Berörd"
        OTHER = "ovrig", "Övrig"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField("roll", max_length=20, choices=Role.choices, default=Role.APPLICANT)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ärendepart"
        verbose_name_plural = "ärendeparter"
        constraints = [models.UniqueConstraint(fields=["case", "party", "role"], name="uniq_case_party_role")]


class CaseLink(models.Model):
    """A link between two related cases (besides the huvudärende relation)."""

    from_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_in")
    note = models.CharField("anteckning", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["from_case", "to_case"], name="uniq_case_link")]


class Deadline(models.Model):
    """A bevakning: something that must happen in the case by a date."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    due_date = models.DateField("bevakningsdatum", db_index=True)
    description = models.CharField("avser", max_length=255)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines")
    completed_at = models.DateTimeField("klar", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bevakning"
        verbose_name_plural = "bevakningar"
        ordering = ["due_date"]


class Document(Protectable):
    """A registered handling. In a case its number is `PREFIX YYYY/N-M`; kept without a
    case (postlista series) it takes a number of the diary's document series."""

    class Direction(models.TextChoices):
        INCOMING = "inkommande", "Inkommande"
        DRAWN_UP = "upprattad", "Upprättad"
        OUTGOING = "utgaende", "Utgående"
        INTERNAL = "intern", "Intern"

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="ärende")
    diary = models.ForeignKey(Diary, on_delete=models.PROTECT, related_name="documents", verbose_name="diarium")
    number = models.PositiveIntegerField("löpnummer")
    reference = models.CharField("handlingsnummer", max_length=50, unique=True)
    direction = models.CharField("riktning", max_length=12, choices=Direction.choices)
    title = models.CharField("beskrivning av handlingen", max_length=500)
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="handlingstyp")
    document_date = models.DateField("handlingens datum", help_text="inkom, upprättad eller expedierad")
    registered_at = models.DateTimeField("registrerad", db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="registrerad av")
    voided_at = models.DateTimeField("makulerad", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    void_reason = models.TextField("skäl för makulering", blank=True)
    access_groups = models.ManyToManyField("access.AccessGroup", blank=True, related_name="documents", verbose_name="åtkomstgrupper")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "handling"
        verbose_name_plural = "handlingar"
        ordering = ["case_id", "number"]
        indexes = [models.Index(fields=["diary", "-registered_at"]), models.Index(fields=["case", "number"])]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Correspondent(models.Model):
    """Sender (avsändare) or recipient (mottagare) of a document."""

    class Role(models.TextChoices):
        SENDER = "avsandare", "Avsändare"
        RECIPIENT = "mottagare", "Mottagare"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="correspondents")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="correspondence")
    role = models.CharField("roll", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = "avsändare/mottagare"
        verbose_name_plural = "avsändare/mottagare"
        constraints = [models.UniqueConstraint(fields=["document", "party", "role"], name="uniq_correspondent")]


class CaseEvent(models.Model):
    """A fact about a case or document: the timeline, the audit of changes and the outbox.

    `sequence` counts per case; documents without a case have none. `data` holds the
    event's details — for a change, {field: [old, new]}.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    type = models.CharField(max_length=60, db_index=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    sequence = models.PositiveIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_attempts = models.PositiveSmallIntegerField(default=0)
    dispatch_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "händelse"
        verbose_name_plural = "händelser"
        ordering = ["occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], condition=models.Q(case__isnull=False), name="uniq_case_event_sequence")
        ]
        indexes = [models.Index(fields=["dispatched_at", "occurred_at"], name="event_outbox_idx")]

    def __str__(self):
        return f"{self.type} {self.occurred_at:%Y-%m-%d %H:%M}"


class SecrecyMarking(models.Model):
    """A sekretessmarkering on a case or a document: one or more provisions, which parts
    are secret, and who set it, when and why. A new marking replaces the previous one
    (which is kept, revoked); the object's Protectable fields mirror the active one."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="secrecy_markings")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="secrecy_markings")
    provisions = models.ManyToManyField("access.LegalProvision", related_name="markings", verbose_name="lagrum")
    title_secret = models.BooleanField("rubriken", default=False)
    description_secret = models.BooleanField("beskrivningen", default=False)
    parties_secret = models.BooleanField("parterna", default=False)
    files_secret = models.BooleanField("filerna", default=False)
    public_title = models.CharField("offentlig rubrik", max_length=500, blank=True)
    reason = models.TextField("skäl")
    review_on = models.DateField("omprövas", null=True, blank=True)
    expires_on = models.DateField("upphör", null=True, blank=True)
    set_at = models.DateTimeField("satt")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="satt av")
    revoked_at = models.DateTimeField("hävd", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoke_reason = models.TextField("skäl för hävning", blank=True)

    class Meta:
        verbose_name = "sekretessmarkering"
        verbose_name_plural = "sekretessmarkeringar"
        ordering = ["-set_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, document__isnull=True) | models.Q(case__isnull=True, document__isnull=False),
                name="marking_on_case_xor_document",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
