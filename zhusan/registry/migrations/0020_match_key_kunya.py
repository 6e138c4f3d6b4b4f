"""The tokens of a word following a kunya's marker are stored once more
behind the marker (``umm:p:mhmd``; ``text.match_keys``): "أم محمد" asks for
them alone, where it asked for the marker and the word apart — each met by
thousands of names at a million, read to find the 7,039 holding both
(docs/benchmarks.md) — and found Umm Ahmad Muhammad too.

The data step recomputes the match key of each name one of whose words is a
marker written in full (the others do not change), and writes those that
change (``registry.rekey``, as registry 0017 does). Reversing
leaves them (a search without the marked tokens ignores them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def add_kunya_tokens(apps: Any, schema_editor: Any) -> None:
    from zhusan.registry.rekey import rewrite_match_keys
    from zhusan.registry.text import marks_a_kunya

    rewrite_match_keys(apps, schema_editor, only=marks_a_kunya)


class Migration(migrations.Migration):
    dependencies = [("registry", "0019_search_pairs_index")]

    operations = [migrations.RunPython(add_kunya_tokens, migrations.RunPython.noop, elidable=True)]
