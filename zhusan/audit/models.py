"""The append-only, hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("View")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    MFA_FAILED = "mfa_failed", _("Failed second factor")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    BREAK_GLASS = "break_glass", _("Break-the-glass access")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")


class ObjectType(models.TextChoices):
    """What an audit event is about: one value per kind of record, the same
    whether the record is created, read, changed or moved by a merge. A model
    names its own with ``audit_type`` (``object_type_of``)."""

    PERSON = "person", _("Person")
    NAME = "name", _("Name")
    EVIDENCE = "evidence", _("Identity evidence")
    CONSENT = "consent", _("Consent")
    ASSENT = "assent", _("Child's assent")
    RELATIONSHIP = "relationship", _("Relationship")
    HOUSEHOLD = "household", _("Household")
    HOUSEHOLD_MEMBER = "household_member", _("Household membership")
    LOCATION = "location", _("Location stay")
    DOCUMENT = "document", _("Document")
    NOTE = "note", _("Protected note")
    TIMELINE_ENTRY = "timeline_entry", _("Lifecycle stage change")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    NATIONALITY = "nationality", _("Nationality")
    ASSIGNMENT = "assignment", _("Case assignment")
    BREAK_GLASS = "break_glass", _("Break-the-glass access")
    SITE = "site", _("Site")
    USER = "user", _("User")
    ROLE_GRANT = "role_grant", _("Role grant")
    ORGANISATION = "organisation", _("Organisation")
    UNIT = "unit", _("Unit")
    API_TOKEN = "api_token", _("API token")
    AUDIT = "audit", _("Audit trail")
    REPORT = "report", _("Report")
    BRIEFING = "briefing", _("Briefing")
    CASE_EXPORT = "case_export", _("Case export")
    OPERATION = "operation", _("Operation")
    OPERATION_TEAM = "operation_team", _("Operation team")
    MOVEMENT = "movement", _("Movement")
    MANIFEST = "manifest", _("Manifest")
    MANIFEST_ENTRY = "manifest_entry", _("Manifest entry")
    CLEARANCE_ITEM = "clearance_item", _("Clearance item")
    CLEARANCE_OVERRIDE = "clearance_override", _("Clearance override")
    SEPARATION_DECISION = "separation_decision", _("Separation decision")
    STAGED_IMPORT = "staged_import", _("Staged import")
    STAGED_ROW = "staged_row", _("Staged import row")
    HANDOVER_DOCUMENT = "handover_document", _("Handover document")
    RECONCILIATION = "reconciliation", _("Reconciliation")
    DUPLICATE_CANDIDATE = "duplicate_candidate", _("Possible duplicate")
    MERGE = "merge", _("Merge")
    TRACING_REQUEST = "tracing_request", _("Tracing request")
    SOUGHT_PERSON = "sought_person", _("Sought person")
    TRACING_MATCH = "tracing_match", _("Tracing match")
    MATCHING = "matching", _("Matching")
    LINKAGE = "linkage", _("Linkage")
    LINKAGE_JOB = "linkage_job", _("Linkage job")
    BEST_INTERESTS = "best_interests", _("Best-interests assessment")
    # --- instruments (zhusan.instruments)
    INSTRUMENT_ADMINISTRATION = "instrument_administration", _("Instrument administration")
    INSTRUMENT_SCHEDULE = "instrument_schedule", _("Scheduled instrument")
    SAFETY_ALERT = "safety_alert", _("Safety alert")
    # --- rehabilitation: centres, admissions, caseloads (zhusan.rehabilitation)
    CENTRE = "centre", _("Rehabilitation centre")
    ROOM = "room", _("Centre room")
    STAFF_MEMBER = "staff_member", _("Centre staff member")
    ADMISSION = "admission", _("Admission to a centre")
    FAMILY_SEPARATION = "family_separation", _("Family separation decision on admission")
    KEY_WORKER = "key_worker", _("Key worker")
    # --- rehabilitation: needs, plans, case conferences (zhusan.rehabilitation.care)
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    CARE_PLAN = "care_plan", _("Individual plan")
    PLAN_GOAL = "plan_goal", _("Plan goal")
    PLAN_REVIEW = "plan_review", _("Plan review")
    CASE_CONFERENCE = "case_conference", _("Case conference")
    # --- rehabilitation: sessions, intake accounts, risk assessments (zhusan.rehabilitation.sessions)
    SESSION = "session", _("Session")
    SESSION_PARTICIPANT = "session_participant", _("Session participant")
    SESSION_NOTE = "session_note", _("Session note")
    INTAKE_ACCOUNT = "intake_account", _("Intake account")
    RISK_ASSESSMENT = "risk_assessment", _("Professional risk assessment (outcome)")
    # --- reintegration: placement, guardianship, documents, education (zhusan.reintegration)
    PLACEMENT = "placement", _("Placement")
    HOME_VISIT = "home_visit", _("Home-visit assessment")
    GUARDIANSHIP_ORDER = "guardianship_order", _("Guardianship order")
    PLACEMENT_REVIEW = "placement_review", _("Placement review")
    DOCUMENT_PATHWAY = "document_pathway", _("Civil document pathway")
    COURT_HEARING = "court_hearing", _("Court hearing")
    BENEFIT_CLAIM = "benefit_claim", _("Benefit claim")
    ENROLMENT = "enrolment", _("School or kindergarten enrolment")
    EDUCATION_REVIEW = "education_review", _("Attendance and progress review")
    SCHOOL_LETTER = "school_letter", _("Letter to a school")
    # --- reintegration: livelihood, housing, referrals, transfers (zhusan.reintegration.support)
    VOCATIONAL_COURSE = "vocational_course", _("Vocational course")
    EMPLOYMENT = "employment", _("Employment")
    INCOME_SUPPORT = "income_support", _("Income support")
    HOUSING = "housing", _("Housing situation")
    REFERRAL = "referral", _("Referral")
    CASE_TRANSFER = "case_transfer", _("Case transfer")
    # --- reintegration: follow-up, incidents, closure (zhusan.reintegration.followup)
    FOLLOW_UP_TEMPLATE = "follow_up_template", _("Follow-up template")
    FOLLOW_UP_PLAN = "follow_up_plan", _("Follow-up plan")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Follow-up contact")
    FOLLOW_UP_VISIT = "follow_up_visit", _("Follow-up visit or call")
    INCIDENT = "incident", _("Incident")
    INCIDENT_ACTION = "incident_action", _("Incident follow-up action")
    SECURITY_CONTACT = "security_contact", _("Security follow-up contact")
    CASE_CLOSURE = "case_closure", _("Case closure")
    # --- data protection: retention, legal holds, deletion (zhusan.dataprotection)
    DATA_PROTECTION = "data_protection", _("Data protection")
    RETENTION_RULE = "retention_rule", _("Retention rule")
    LEGAL_HOLD = "legal_hold", _("Legal hold")
    RETENTION_BATCH = "retention_batch", _("Retention batch")
    DELETION_CERTIFICATE = "deletion_certificate", _("Deletion certificate")
    # --- data protection: data-subject requests, sealing (zhusan.dataprotection.rights)
    SUBJECT_REQUEST = "subject_request", _("Data-subject request")
    SUBJECT_COPY = "subject_copy", _("Copy for a data subject")
    SEALED_COMPARTMENT = "sealed_compartment", _("Sealed compartment")
    # --- data protection: sharing agreements, breaches, impact assessments (zhusan.dataprotection.sharing)
    SHARING_AGREEMENT = "sharing_agreement", _("Sharing agreement")
    IMPACT_ASSESSMENT = "impact_assessment", _("Data-protection impact assessment")
    BREACH = "breach", _("Personal-data breach")
    BREACH_RECORD = "breach_record", _("Record affected by a breach")
    # --- planning (zhusan.planning)
    PLAN_RUN = "plan_run", _("Capacity plan (simulation run)")
    # --- public tracker and publishing (zhusan.tracker)
    PUBLISH_TARGET = "publish_target", _("Publishing target")
    PUBLICATION = "publication", _("Publication of aggregates")


def object_type_of(model: type[models.Model] | models.Model) -> ObjectType:
    """The audit object type a model declares (``audit_type``)."""
    declared = getattr(model, "audit_type", None)
    if declared is None:
        raise LookupError(f"{model._meta.label} declares no audit_type")
    return ObjectType(declared)


GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One event. Never updated or deleted: on PostgreSQL a trigger refuses it.

    ``hash`` covers every other column and the previous event's hash, so a
    change anywhere breaks the chain from that event on.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False, db_index=True)
    actor_id = models.BigIntegerField(null=True, editable=False, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=30, choices=Action.choices, editable=False, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, editable=False)
    object_ref = models.CharField(max_length=64, blank=True, editable=False)
    person_ref = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    ip = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True, editable=False)
    path = models.CharField(max_length=500, blank=True, editable=False)
    via = models.CharField(max_length=10, blank=True, editable=False)  # ui, api, cli
    changes = models.JSONField(default=dict, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_ref}"

    def payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "action": self.action,
            "object_type": self.object_type,
            "object_ref": self.object_ref,
            "person_ref": self.person_ref,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "path": self.path,
            "via": self.via,
            "changes": self.changes,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The only change the trail allows to an event: its ``changes`` and ``detail``
# replaced by this marker naming the later deletion event that redacted it
# (``zhusan.audit.services.record_deletion``). The event keeps its hash and link.
REDACTED_KEY = "redacted_by"


def is_redaction_marker(changes: Any, detail: Any) -> bool:
    return changes == {} and isinstance(detail, dict) and set(detail) == {REDACTED_KEY}


class DeletionCertificate(models.Model):
    """The signed proof that records were deleted: what kinds, how many, the
    digest of their canonical serialisation, the rule and the approval; never
    the content. ``body`` is what is signed (``signature``, hex); the deletion
    event of the trail (``event_seq``) names the certificate and the digest of
    its body, so ``zhusan audit verify`` checks one against the other."""

    uuid = models.UUIDField(unique=True, editable=False)
    issued_at = models.DateTimeField(editable=False)
    body = models.JSONField(editable=False)
    algorithm = models.CharField(max_length=20, editable=False, default="HMAC-SHA256")
    signature = models.CharField(max_length=128, editable=False)
    event_seq = models.PositiveBigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("deletion certificate")
        verbose_name_plural = _("deletion certificates")

    def __str__(self) -> str:
        return str(self.uuid)
