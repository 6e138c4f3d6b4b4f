"""Handover scans and protection needs encrypted at rest.

The columns keep their types (binary, text); the fields now encrypt with
FIELD_ENCRYPTION_KEYS. Rows written before are converted in place with raw
SQL (the historical model would already try to decrypt them); the reverse
decrypts them again. A value already encrypted is left alone, so the
conversion can be re-run safely.
"""

from typing import Any

from django.db import migrations

import zhusan.core.crypto
from zhusan.core.crypto import BINARY_PREFIX, PREFIX, decrypt, decrypt_bytes, encrypt, encrypt_bytes


def _convert(apps: Any, schema_editor: Any, *, forward: bool) -> None:
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    documents = qn(apps.get_model("operations", "HandoverDocument")._meta.db_table)
    entries = qn(apps.get_model("operations", "ManifestEntry")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, content FROM {documents}")
        for pk, value in cursor.fetchall():
            raw = bytes(value)
            if not raw or raw.startswith(BINARY_PREFIX) == forward:
                continue
            new = encrypt_bytes(raw) if forward else decrypt_bytes(raw)
            cursor.execute(f"UPDATE {documents} SET content = %s WHERE id = %s", [new, pk])
        cursor.execute(f"SELECT id, protection_needs FROM {entries} WHERE protection_needs <> ''")
        for pk, text in cursor.fetchall():
            if text.startswith(PREFIX) == forward:
                continue
            new_text = encrypt(text) if forward else decrypt(text)
            cursor.execute(f"UPDATE {entries} SET protection_needs = %s WHERE id = %s", [new_text, pk])


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, forward=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0003_operation_movement_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="handoverdocument",
            name="content",
            field=zhusan.core.crypto.EncryptedBinaryField(verbose_name="content"),
        ),
        migrations.AlterField(
            model_name="manifestentry",
            name="protection_needs",
            field=zhusan.core.crypto.EncryptedTextField(blank=True, verbose_name="immediate protection needs"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
