"""Files of documents. Content is stored once per SHA-256 (Blob); a File is a named
slot on a document whose versions each point at a blob. Nothing is overwritten."""

from django.conf import settings
from django.db import models

from knutpunkt.core.ids import new_id
from knutpunkt.registry.models import Document


class Blob(models.Model):
    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=150)
    storage_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lagrat innehåll"
        verbose_name_plural = "lagrat innehåll"


class File(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    name = models.CharField("filnamn", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    current_version = models.ForeignKey("FileVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_secret = models.BooleanField("sekretess", default=False, help_text="Denna fil omfattas av handlingens sekretessmarkering")

    class Meta:
        verbose_name = "fil"
        verbose_name_plural = "filer"
        ordering = ["created_at"]

    def __str__(self):
        return self.name


class FileVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    filename = models.CharField("filnamn", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField("kommentar", max_length=255, blank=True)

    class Meta:
        verbose_name = "filversion"
        verbose_name_plural = "filversioner"
        ordering = ["file", "version"]
        constraints = [models.UniqueConstraint(fields=["file", "version"], name="uniq_file_version")]
