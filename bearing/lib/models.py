"""Data keys: each person's and each engagement's confidential text is encrypted
under its own key, kept here wrapped (encrypted) by the installation keys.

Destroying a data key is how erasure and retention reach every copy of the text:
a backup holds ciphertext and no data keys (``bearing.lib.backup`` leaves this
table's rows out of the data file and writes them to a keys file of their own), so
once the key is gone from here, the text in any earlier backup cannot be read.
"""

from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    # The id a ciphertext names ("bx2$<kid>$..."); random, never reused.
    kid = models.CharField(max_length=32, unique=True)
    # Whose text it protects: "person:<user id>" or "engagement:<engagement code>".
    scope = models.CharField(max_length=64, unique=True)
    # The key itself, encrypted under the current installation key (bx1$...).
    wrapped = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Data key {self.kid}"
