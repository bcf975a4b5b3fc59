"""The classification structure (KLASSA-shaped), case and document types, retention.

A scheme is versioned: a new version is a new ClassificationScheme row; cases keep
pointing at the class they were registered under.
"""

from django.db import models

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.organisations.models import Organisation


class ClassificationScheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        ACTIVE = "active", "Gällande"
        RETIRED = "retired", "Upphörd"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="schemes", verbose_name="organisation")
    name = models.CharField("namn", max_length=200)
    version = models.CharField("version", max_length=20, default="1")
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    valid_from = models.DateField("gäller från", null=True, blank=True)
    valid_to = models.DateField("gäller till", null=True, blank=True)
    description = models.TextField("beskrivning", blank=True)

    class Meta:
        verbose_name = "klassificeringsstruktur"
        verbose_name_plural = "klassificeringsstrukturer"
        ordering = ["organisation", "name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "version"], name="uniq_scheme_version"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(status="active"), name="one_active_scheme_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.get_status_display()})"


class Class(models.Model):
    """A node of the structure: verksamhetstyp → verksamhetsområde → processgrupp → process."""

    class Level(models.TextChoices):
        VERKSAMHETSTYP = "verksamhetstyp", "Verksamhetstyp"
        VERKSAMHETSOMRADE = "verksamhetsomrade", "Verksamhetsområde"
        PROCESSGRUPP = "processgrupp", "Processgrupp"
        PROCESS = "process", "Process"

    LEVEL_ORDER = [Level.VERKSAMHETSTYP, Level.VERKSAMHETSOMRADE, Level.PROCESSGRUPP, Level.PROCESS]

    scheme = models.ForeignKey(ClassificationScheme, on_delete=models.CASCADE, related_name="classes", verbose_name="struktur")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name="överordnad")
    level = models.CharField("nivå", max_length=20, choices=Level.choices)
    code = models.CharField("kod", max_length=30, help_text="t.ex. 2.3.1")
    title = models.CharField("benämning", max_length=255)
    description = models.TextField("beskrivning", blank=True)

    class Meta:
        verbose_name = "klass"
        verbose_name_plural = "klasser"
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="uniq_class_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class RetentionRule(models.Model):
    """Bevara, or gallra after a period counted from a trigger."""

    class Action(models.TextChoices):
        KEEP = "keep", "Bevaras"
        DISPOSE = "dispose", "Gallras"

    class Trigger(models.TextChoices):
        CASE_CLOSED = "case_closed", "Efter ärendets avslut"
        LAST_ENTRY = "last_entry", "Efter sista anteckning"
        INACTUAL = "inactual", "Vid inaktualitet"
        REGISTERED = "registered", "Efter registrering"

    scheme = models.ForeignKey(ClassificationScheme, on_delete=models.CASCADE, related_name="retention_rules", verbose_name="struktur")
    code = models.CharField("kod", max_length=50)
    action = models.CharField("åtgärd", max_length=10, choices=Action.choices)
    period_months = models.PositiveIntegerField("gallringsfrist (månader)", null=True, blank=True)
    trigger = models.CharField("räknas från", max_length=20, choices=Trigger.choices, blank=True)
    legal_basis = models.CharField("beslut/stöd", max_length=255, blank=True)
    note = models.TextField("anmärkning", blank=True)

    class Meta:
        verbose_name = "bevarande- och gallringsregel"
        verbose_name_plural = "bevarande- och gallringsregler"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="uniq_retention_code")]

    def __str__(self):
        return self.describe()

    def describe(self) -> str:
        from .retention import describe

        return describe(self.action, self.period_months, self.trigger)


class DefaultMarking(models.Model):
    """A marking proposed for new cases or documents of a type (e.g. SN's
    individärenden: OSL 26 kap. 1 §, title and parties). Only proposed: the
    registrator confirms it when registering."""

    default_provisions = models.ManyToManyField(
        "access.LegalProvision", blank=True, related_name="+", verbose_name="förvalda lagrum"
    )
    default_secret_parts = models.JSONField(
        "förvalda sekretessbelagda delar", default=list, blank=True, help_text='t.ex. ["title", "parties"]'
    )
    default_public_title = models.CharField("förvald offentlig rubrik", max_length=500, blank=True)
    default_personal_data_level = models.CharField(
        "förvalt personuppgiftsskydd", max_length=20, blank=True, choices=PersonalDataLevel.choices
    )

    class Meta:
        abstract = True

    @property
    def has_default_marking(self) -> bool:
        return bool(self.default_secret_parts) or bool(self.default_personal_data_level)


class CaseType(DefaultMarking):
    process = models.ForeignKey(Class, on_delete=models.PROTECT, related_name="case_types", verbose_name="process")
    code = models.CharField("kod", max_length=30)
    title = models.CharField("benämning", max_length=255)
    description = models.TextField("beskrivning", blank=True)
    handling_days = models.PositiveIntegerField("handläggningstid (dagar)", null=True, blank=True)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "ärendetyp"
        verbose_name_plural = "ärendetyper"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["process", "code"], name="uniq_case_type_code")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def scheme_id(self):
        return self.process.scheme_id


class DocumentType(DefaultMarking):
    class Registration(models.TextChoices):
        DIARIEFORS = "diariefors", "Diarieförs"
        HALLS_ORDNAD = "halls_ordnad", "Hålls ordnad"

    process = models.ForeignKey(Class, on_delete=models.PROTECT, related_name="document_types", verbose_name="process")
    code = models.CharField("kod", max_length=30)
    title = models.CharField("benämning", max_length=255)
    description = models.TextField("beskrivning", blank=True)
    registration = models.CharField("registrering", max_length=20, choices=Registration.choices, default=Registration.DIARIEFORS)
    retention_rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="document_types", verbose_name="bevarande/gallring")
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "handlingstyp"
        verbose_name_plural = "handlingstyper"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["process", "code"], name="uniq_document_type_code")]

    def __str__(self):
        return f"{self.code} {self.title}"
