"""The default follow-up template: monthly for six months, quarterly to two
years, yearly to five (configurable in the admin afterwards)."""

from typing import Any

from django.db import migrations

NAME = "Monthly to 6 months, quarterly to 2 years, yearly to 5 years"
PHASES = [(1, 6), (3, 24), (12, 60)]


def create_default(apps: Any, schema_editor: Any) -> None:
    template_model = apps.get_model("reintegration_followup", "FollowUpTemplate")
    phase_model = apps.get_model("reintegration_followup", "FollowUpPhase")
    if template_model.objects.filter(is_default=True).exists():
        return
    template = template_model.objects.create(name=NAME, is_default=True, active=True)
    for every, until in PHASES:
        phase_model.objects.create(template=template, every_months=every, until_months=until)


def remove_default(apps: Any, schema_editor: Any) -> None:
    apps.get_model("reintegration_followup", "FollowUpTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reintegration_followup", "0001_follow_up_plans_visits_incidents_security_closures")]

    operations = [migrations.RunPython(create_default, remove_default)]
