"""Names get a second search key, ``match_key``: the matching engine's keys
of each word (registry.text.match_keys), so that the person list forgives
spelling ("umm zaid" finds "Umm Zayd", Aisha finds عائشة). The data step
fills it for every name; reversing drops the column (it is derived)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

BATCH = 2000


def fill(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.text import match_keys

    PersonName = apps.get_model("registry", "PersonName")
    changed = []
    for name in PersonName.objects.only("pk", "given", "patronymic", "family").iterator(chunk_size=BATCH):
        name.match_key = match_keys(name.given, name.patronymic, name.family)
        changed.append(name)
        if len(changed) >= BATCH:
            PersonName.objects.bulk_update(changed, ["match_key"])
            changed = []
    if changed:
        PersonName.objects.bulk_update(changed, ["match_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_consent_purpose_return")]

    operations = [
        migrations.AddField(
            model_name="personname",
            name="match_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
