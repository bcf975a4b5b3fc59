"""Secrecy vocabulary and who-may-see: legal provisions and access groups.

The markings themselves sit on cases and documents (registry.SecrecyMarking); this app
owns what they refer to and the policy that reads them.
"""

from django.conf import settings
from django.db import models


class PersonalDataLevel(models.TextChoices):
    """The "GDPR-skydd", separate from secrecy: how far personal data may travel."""

    PUBLISHABLE = "publicerbar", "Får publiceras"
    EXTERNAL = "skyddad_externt", "Skyddad externt (aldrig på webben)"
    PROTECTED = "skyddad", "Skyddad (endast handläggare och registratorer)"


SECRET_PARTS = (("title", "rubriken"), ("description", "beskrivningen"), ("parties", "parterna"), ("files", "filerna"))


class LegalProvision(models.Model):
    """A lagrum, typically of offentlighets- och sekretesslagen (2009:400).

    Seeded from shared reference data; each organisation may add its own and retire
    any (a retired or expired provision can no longer be used in a new marking)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="legal_provisions",
        verbose_name="organisation", help_text="Tomt = gemensam för alla organisationer",
    )
    law = models.CharField("lag", max_length=50, default="OSL")
    reference = models.CharField("lagrum", max_length=50, help_text="t.ex. 26 kap. 1 §")
    chapter = models.PositiveSmallIntegerField("kapitel", null=True, blank=True)
    paragraph = models.CharField("paragraf", max_length=20, blank=True)
    short_title = models.CharField("kort rubrik", max_length=200)
    protects = models.TextField("skyddar", blank=True)
    typical_use = models.TextField("typisk användning", blank=True)
    needs_verification = models.BooleanField("behöver kontrolleras", default=False)
    active = models.BooleanField("aktiv", default=True)
    valid_to = models.DateField("gäller till", null=True, blank=True)

    class Meta:
        verbose_name = "lagrum"
        verbose_name_plural = "lagrum"
        ordering = ["law", "chapter", "paragraph"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "law", "reference"], name="uniq_legal_provision"),
        ]

    def __str__(self):
        return f"{self.law} {self.reference} – {self.short_title}"


class AccessGroup(models.Model):
    """An åtkomstgrupp: people besides the officer and registrators who may see a
    restricted object. Belongs to one authority — never granted across the boundary."""

    authority = models.ForeignKey("organisations.Authority", on_delete=models.PROTECT, related_name="access_groups", verbose_name="myndighet")
    name = models.CharField("namn", max_length=200)
    description = models.TextField("beskrivning", blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="access_groups", verbose_name="medlemmar")
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "åtkomstgrupp"
        verbose_name_plural = "åtkomstgrupper"
        ordering = ["authority", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="uniq_access_group_name")]

    def __str__(self):
        return f"{self.name} ({self.authority.code})"
