"""What the search app stores besides the index itself (which lives in
vendor-specific tables created by migrations, see search/backends)."""

from django.db import models


class ExtractedText(models.Model):
    """The text of one stored blob, extracted once: reindexing a document must not
    parse its PDFs again. Keyed by the blob's SHA-256 (content never changes)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField(blank=True)
    method = models.CharField(max_length=30, blank=True)
    error = models.CharField(max_length=500, blank=True)
    truncated = models.BooleanField(default=False)
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "extraherad text"
        verbose_name_plural = "extraherade texter"
