"""The match key reads every i before a j as one (``engine.translit``'s
rule ``i+j``): Cyrillic йи and ий are ``ii`` in the Latin form where Latin
writes yi and iy, so Tajik Йижо (``iijo``) and its Latin Yizho (``ijo``)
had two keys. Only a name whose Latin form (held by its search key) has two
of i, y or ee before a j, zh, dj or dzh can change, so only those are
recomputed, and those whose key changes written (``registry.rekey``).
Reversing leaves them (derived keys)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q

#: Two letters read as i, then the letters read as j (``_KEY_RULES``).
I_BEFORE_J = r"(i|y|ee)(i|y|ee)(j|zh|dj|dzh)"


def rekey_i_before_j(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.rekey import rewrite_match_keys

    rewrite_match_keys(apps, schema_editor, where=Q(search_key__regex=I_BEFORE_J))


class Migration(migrations.Migration):
    dependencies = [("registry", "0020_match_key_kunya")]

    operations = [migrations.RunPython(rekey_i_before_j, migrations.RunPython.noop, elidable=True)]
