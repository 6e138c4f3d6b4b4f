"""The match key learnt Uzbek Latin "ye" after a vowel (Abdullayev meets
Абдуллаев and ABDULLAEV, Mirzoyev Мирзоев) and the patronymic -yevich/-yevna
on a name ending in a vowel (Yahyoyevna gives Yahyo), and "ij" is read after
"y" (Айжан, Aizhan and Ayzhan give one key): names stored before keep
the keys of the old rule until recomputed, and search would miss some of them.
The data step recomputes both derived keys of every name, as 0010 does, with
its function; reversing leaves them (they are derived, the new ones are right)."""

from __future__ import annotations

import importlib

from django.db import migrations

refill = importlib.import_module("zhusan.registry.migrations.0010_refill_name_keys_central_asian_scripts").refill


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_sealed_compartment")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]
