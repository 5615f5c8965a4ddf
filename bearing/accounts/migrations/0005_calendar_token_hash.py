"""The private calendar link's token is stored as a SHA-256 hash. Existing links
keep working: each stored token is replaced by its hash. Rolling back cannot
recover the tokens, so it gives everyone a new link (the old ones stop working)."""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, token in User.objects.exclude(calendar_token=None).values_list("pk", "calendar_token"):
        if token:
            digest = hashlib.sha256(token.encode()).hexdigest()
            User.objects.filter(pk=pk).update(calendar_token_hash=digest, calendar_token=None)


def new_tokens(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk in User.objects.values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(calendar_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_invitation_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="calendar_token_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.RemoveField(model_name="user", name="calendar_token"),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("calendar_token_hash", ""), _negated=True),
                fields=("calendar_token_hash",),
                name="user_calendar_token_hash_unique",
            ),
        ),
    ]
