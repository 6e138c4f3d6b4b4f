"""On PostgreSQL the trigger that refuses UPDATE and DELETE on the audit trail
lets exactly one UPDATE through: a redaction. The event's ``changes`` become
``{}`` and its ``detail`` ``{"redacted_by": N}``, every other column stays as
it was, the event was not redacted before, and event N is a later deletion
event (``deletion_certificate``) whose ``detail.redacted`` names this event.
DELETE is still refused."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION zhusan_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.seq, NEW.at, NEW.actor_id, NEW.actor_username, NEW.action, NEW.object_type,
            NEW.object_ref, NEW.person_ref, NEW.ip, NEW.user_agent, NEW.path, NEW.via, NEW.prev_hash, NEW.hash)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.seq, OLD.at, OLD.actor_id, OLD.actor_username, OLD.action, OLD.object_type,
            OLD.object_ref, OLD.person_ref, OLD.ip, OLD.user_agent, OLD.path, OLD.via, OLD.prev_hash, OLD.hash)
       AND NEW.changes = '{}'::jsonb
       AND jsonb_typeof(NEW.detail) = 'object'
       AND (SELECT count(*) FROM jsonb_object_keys(NEW.detail)) = 1
       AND jsonb_typeof(NEW.detail->'redacted_by') = 'number'
       AND NOT (OLD.changes = '{}'::jsonb AND OLD.detail ? 'redacted_by')
       AND EXISTS (
           SELECT 1 FROM audit_auditevent d
           WHERE d.seq = (NEW.detail->>'redacted_by')::bigint
             AND d.seq > OLD.seq
             AND d.action = 'delete'
             AND d.object_type = 'deletion_certificate'
             AND d.detail->'redacted' ? OLD.seq::text
       )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION zhusan_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_deletioncertificate")]
    operations = [migrations.RunPython(forward, backward)]
