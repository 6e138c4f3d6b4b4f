"""Timeline reasons encrypted at rest.

Why someone entered or left custody ("Detained on arrival") is justice data:
the reason column now holds ``fernet:<token>`` (FIELD_ENCRYPTION_KEYS). Rows
written before are converted in place with raw SQL (the historical model
would already try to decrypt them); the reverse decrypts them again. A value
already in the wanted form is left alone, so the conversion can be re-run.
"""

from typing import Any

from django.db import migrations

import zhusan.core.crypto
from zhusan.core.crypto import PREFIX, decrypt, encrypt

BATCH = 2000


def _convert(apps: Any, schema_editor: Any, *, forward: bool) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name(apps.get_model("registry", "TimelineEntry")._meta.db_table)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, reason FROM {table} WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            changed = [
                (encrypt(text) if forward else decrypt(text), pk)
                for pk, text in rows
                if text and text.startswith(PREFIX) != forward
            ]
            if changed:
                cursor.executemany(f"UPDATE {table} SET reason = %s WHERE id = %s", changed)


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, forward=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_best_interests_assessment"),
    ]

    operations = [
        migrations.AlterField(
            model_name="timelineentry",
            name="reason",
            field=zhusan.core.crypto.EncryptedTextField(verbose_name="reason"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
