"""A movement's destination site (where arrival opens the persons' stay), and
the registry record behind each clearance item (identity evidence, a verified
nationality, a travel document). Additive: new nullable columns only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0004_encrypt_handover_content_and_protection_needs"),
        ("registry", "0004_consent_purpose_return"),
    ]

    operations = [
        migrations.AddField(
            model_name="clearanceitem",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.document",
            ),
        ),
        migrations.AddField(
            model_name="clearanceitem",
            name="evidence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.identityevidence",
            ),
        ),
        migrations.AddField(
            model_name="clearanceitem",
            name="nationality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.personnationality",
            ),
        ),
        migrations.AddField(
            model_name="movement",
            name="destination_site",
            field=models.ForeignKey(
                blank=True,
                help_text="Where the persons are received; arrival records their stay there",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.site",
                verbose_name="destination site",
            ),
        ),
    ]
