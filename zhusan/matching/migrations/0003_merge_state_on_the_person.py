"""Merge state moves to the registry: ``Person.merged_into`` is set for every
merge that has not been undone (until now it was derived from MergeRecord)."""

from django.db import migrations


def forwards(apps, schema_editor):
    MergeRecord = apps.get_model("matching", "MergeRecord")
    Person = apps.get_model("registry", "Person")
    for merged_id, survivor_id in MergeRecord.objects.filter(undone_at__isnull=True).values_list(
        "merged_id", "survivor_id"
    ):
        Person.objects.filter(pk=merged_id).update(merged_into_id=survivor_id)


def backwards(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Person.objects.filter(merged_into__isnull=False).update(merged_into=None)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_linkage_jobs"),
        ("registry", "0002_person_merged_into"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
