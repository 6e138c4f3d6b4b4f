"""The engine now reads the scripts of Uzbekistan, Tajikistan and Kyrgyzstan
(Uzbek o' with any apostrophe, x as kh, ё/yo, ң/ng, -zoda/-zade): names
stored before keep the keys of the old rules until recomputed, and search
would miss some of them. The data step recomputes both derived keys of
every name; reversing leaves them (they are derived, the new ones are right)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 2000


def refill(apps: Any, schema_editor: Any) -> None:
    PersonName = apps.get_model("registry", "PersonName")
    recompute(PersonName, PersonName.objects.all())


def recompute(PersonName: Any, names: Any) -> None:  # noqa: N803 (the historical model)
    """Both derived keys of ``names`` (a queryset of ``PersonName``), from their parts."""
    from zhusan.registry.text import match_keys, search_key

    changed = []
    for name in names.only("pk", "given", "patronymic", "family").iterator(chunk_size=BATCH):
        name.search_key = search_key(name.given, name.patronymic, name.family)
        name.match_key = match_keys(name.given, name.patronymic, name.family)
        changed.append(name)
        if len(changed) >= BATCH:
            PersonName.objects.bulk_update(changed, ["search_key", "match_key"])
            changed = []
    if changed:
        PersonName.objects.bulk_update(changed, ["search_key", "match_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_search_trigram_indexes")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]
