"""Three rules of the match key (``engine.translit``) change:

- every i before a j is read as one (``i+j`` → ``i``): Cyrillic йи and ий
  are ``ii`` in the Latin form where Latin writes yi and iy, so Tajik Йижо
  (``iijo``) and its Latin Yizho (``ijo``) had two keys;
- ``ee`` before a v is ``ev``, no longer the English ``i``: Сергеев,
  SERGEEV and Sergeyev, Зиёев and Ziyoyev had two keys, and Сергеева was
  not the female form of Сергеев;
- a ye starting a word or following a consonant is ``e`` (``_SOFT_YE``):
  Ерлан ERLAN and Yerlan, Васильев VASILEV and Vasilyev had two keys.

Only a name whose Latin form (held by its search key) has two of i, y or
ee before a j, zh, dj or dzh, an ee before a v (or w), a ye after a
consonant, or ye, ie, yyo or yio starting a word can change, so only those
are recomputed, and those whose key changes written (``registry.rekey``).
Reversing leaves them (derived keys)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q

#: What the three rules read in a name's Latin form (a superset: only the
#: names whose key changes are written).
CHANGED_RULES = (
    r"(i|y|ee)(i|y|ee)(j|zh|dj|dzh)"
    r"|ee[vw]"
    r"|(^| |[bcdfghjklmnpqrstvwxz])ye"
    r"|(^| )(ie|yyo|yio)"
)


def rekey_ij_eev_ye(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.rekey import rewrite_match_keys

    rewrite_match_keys(apps, schema_editor, where=Q(search_key__regex=CHANGED_RULES))


class Migration(migrations.Migration):
    dependencies = [("registry", "0020_match_key_kunya")]

    operations = [migrations.RunPython(rekey_ij_eev_ye, migrations.RunPython.noop, elidable=True)]
