from django.db import migrations, models


class Migration(migrations.Migration):
    """An impact assessment's possible harms to the persons (no field of
    Zhusan is named for risk: tests/test_no_risk_scores.py)."""

    dependencies = [
        ("dataprotection_sharing", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="impactassessment", old_name="risks", new_name="harms"),
        migrations.AlterField(
            model_name="impactassessment",
            name="harms",
            field=models.TextField(verbose_name="possible harms and mitigations"),
        ),
    ]
