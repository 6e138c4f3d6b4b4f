"""Every editable record of a person gets a version for optimistic
concurrency (names, documents, stays, evidence, relationships, households):
an update names the version it was based on and is refused if another
editor changed the record in between. Existing rows start at version 1;
reversing drops the columns."""

from __future__ import annotations

from django.db import migrations, models

MODELS = ("document", "household", "identityevidence", "locationstay", "personname", "relationship")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_name_match_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        )
        for model in MODELS
    ]
