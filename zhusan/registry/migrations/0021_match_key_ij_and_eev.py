"""Two rules of the match key (``engine.translit._KEY_RULES``) change:

- every i before a j is read as one (``i+j`` → ``i``): Cyrillic йи and ий
  are ``ii`` in the Latin form where Latin writes yi and iy, so Tajik Йижо
  (``iijo``) and its Latin Yizho (``ijo``) had two keys;
- ``ee`` before a v is ``ev``, no longer the English ``i``: Сергеев,
  SERGEEV and Sergeyev, Зиёев and Ziyoyev had two keys, and Сергеева was
  not the female form of Сергеев.

Only a name whose Latin form (held by its search key) has two of i, y or
ee before a j, zh, dj or dzh, or an ee before a v (or w), can change, so
only those are recomputed, and those whose key changes written
(``registry.rekey``). Reversing leaves them (derived keys)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q

#: Two letters read as i then the letters read as j, or an ee before a v.
CHANGED_RULES = r"(i|y|ee)(i|y|ee)(j|zh|dj|dzh)|ee[vw]"


def rekey_ij_and_eev(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.rekey import rewrite_match_keys

    rewrite_match_keys(apps, schema_editor, where=Q(search_key__regex=CHANGED_RULES))


class Migration(migrations.Migration):
    dependencies = [("registry", "0020_match_key_kunya")]

    operations = [migrations.RunPython(rekey_ij_and_eev, migrations.RunPython.noop, elidable=True)]
