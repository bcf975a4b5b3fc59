"""Diariet på webben: the published projection, each authority's publication settings
and disclosure requests (begäran om allmän handling) made from the public pages.

PublishedEntry holds only what may be shown to anyone. It has no field for a
description, a private person or an identity number, and only publicdiary.services.
project() writes it — computed from the registry row through the named rule
`publishable`. The public pages, feed and API read nothing else.
"""

from django.conf import settings
from django.db import models

from knutpunkt.organisations.models import Authority, Diary


class PublicationSettings(models.Model):
    """How (and whether) an authority publishes its diary on the web. An authority
    without settings, or with enabled off, publishes nothing."""

    class Robots(models.TextChoices):
        INDEX = "index", "Får indexeras av sökmotorer"
        NOINDEX = "noindex", "Ska inte indexeras (noindex)"

    authority = models.OneToOneField(Authority, on_delete=models.CASCADE, related_name="publication", verbose_name="myndighet")
    enabled = models.BooleanField("publicera diariet på webben", default=False)
    diaries = models.ManyToManyField(
        Diary, blank=True, related_name="+", verbose_name="publicerade diarier", help_text="Tomt = alla myndighetens diarier",
    )
    published_from = models.DateField("publicera registreringar från", null=True, blank=True)
    years_back = models.PositiveSmallIntegerField("antal år bakåt", null=True, blank=True, help_text="Tomt = ingen gräns")
    delay_hours = models.PositiveIntegerField(
        "fördröjning (timmar)", default=24,
        help_text="Tid efter registrering eller ändring innan posten publiceras – tid att sekretessmarkera.",
    )
    robots = models.CharField("sökmotorer", max_length=10, choices=Robots.choices, default=Robots.INDEX)
    request_deadline_days = models.PositiveSmallIntegerField("svarstid för begäran (arbetsdagar)", default=1)
    request_diary = models.ForeignKey(
        Diary, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="diarium för begäran om allmän handling",
    )

    class Meta:
        verbose_name = "publiceringsinställning"
        verbose_name_plural = "publiceringsinställningar"

    def __str__(self):
        return f"Publicering för {self.authority}"

    @property
    def noindex(self) -> bool:
        return self.robots == self.Robots.NOINDEX


class PublishedEntry(models.Model):
    """One published case or document, as the public may see it."""

    class Kind(models.TextChoices):
        CASE = "case", "Ärende"
        DOCUMENT = "document", "Handling"

    kind = models.CharField("typ", max_length=10, choices=Kind.choices)
    object_id = models.UUIDField("registrets id")
    reference = models.CharField("diarienummer", max_length=50, db_index=True)
    case_reference = models.CharField("ärendets diarienummer", max_length=40, blank=True, db_index=True)
    case_object_id = models.UUIDField("ärendets id", null=True, blank=True)  # indexed with reference, below
    registered_at = models.DateTimeField("registrerad")
    registered_on = models.DateField("registreringsdatum", db_index=True)
    document_date = models.DateField("handlingens datum", null=True, blank=True)
    direction = models.CharField("riktning", max_length=12, blank=True)
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="published_entries", verbose_name="myndighet",
        db_index=False,  # (authority, -registered_at) below serves it
    )
    authority_name = models.CharField("myndighet", max_length=200)
    diary_prefix = models.CharField("diarium", max_length=20)
    diary_name = models.CharField("diariets namn", max_length=200)
    unit_name = models.CharField("enhet", max_length=200, blank=True)
    public_title = models.CharField("rubrik", max_length=500)
    correspondent = models.CharField(
        "avsändare/mottagare", max_length=500, blank=True, help_text="Endast juridiska personer och myndigheter",
    )
    published_at = models.DateTimeField("publicerad", db_index=True)
    updated_at = models.DateTimeField("uppdaterad")

    class Meta:
        verbose_name = "publicerad post"
        verbose_name_plural = "publicerade poster"
        ordering = ["-registered_at", "reference"]
        # object_id first: the search engine's matches are looked up by object_id alone.
        constraints = [models.UniqueConstraint(fields=["object_id", "kind"], name="uniq_published_object")]
        indexes = [
            models.Index(fields=["authority", "-registered_at"]),
            models.Index(fields=["case_object_id", "reference"]),
            # Newest first: a text search walks it (publicdiary.queries.TextMatches).
            models.Index(fields=["-registered_at", "reference"], name="published_newest_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.public_title}"

    @property
    def is_case(self) -> bool:
        return self.kind == self.Kind.CASE

    @property
    def direction_label(self) -> str:
        from knutpunkt.registry.models import Document

        return Document.Direction(self.direction).label if self.direction in Document.Direction.values else ""


class DisclosureRequest(models.Model):
    """A begäran om att ta del av allmän handling sent through the public form. It is
    also registered as an incoming document (`document`) in the authority's receiving
    diary; the requester follows it through a private link (only the token's hash is
    stored)."""

    class Status(models.TextChoices):
        RECEIVED = "mottagen", "Mottagen"
        IN_PROGRESS = "under_handlaggning", "Under handläggning"
        ANSWERED = "besvarad", "Besvarad"
        REFUSED = "avslag", "Avslag"

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)

    class Delivery(models.TextChoices):
        EMAIL = "epost", "E-post"
        POST = "post", "Papperskopia per post"
        PICKUP = "hamta", "Hämta på plats"
        READ = "lasa", "Läsa på plats"

    reference = models.CharField("diarienummer", max_length=50, unique=True)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="disclosure_requests", verbose_name="myndighet")
    diary = models.ForeignKey(Diary, on_delete=models.PROTECT, related_name="disclosure_requests", verbose_name="mottagande diarium")
    document = models.OneToOneField(
        "registry.Document", on_delete=models.PROTECT, related_name="disclosure_request", verbose_name="registrerad handling",
    )
    requested = models.JSONField("begärda handlingar", default=list, help_text="[{kind, id, reference}] vid tiden för begäran")
    requested_text = models.TextField("begärda handlingar (fritext)", blank=True)
    name = models.CharField("namn", max_length=200, blank=True)
    email = models.EmailField("e-post", blank=True)
    postal_address = models.TextField("postadress", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    delivery = models.CharField("leverans", max_length=10, choices=Delivery.choices)
    message = models.TextField("meddelande", blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField("mottagen")
    deadline = models.DateField("ska besvaras senast", db_index=True)
    status_changed_at = models.DateTimeField("status ändrad", null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "begäran om allmän handling"
        verbose_name_plural = "begäranden om allmän handling"
        ordering = ["deadline", "received_at"]

    def __str__(self):
        return f"{self.reference} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
