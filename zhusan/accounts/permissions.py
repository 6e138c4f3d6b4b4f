"""The one permission map: what each role may see and do.

Everything that decides access reads this module; nothing else hard-codes a
role. A user's effective rights for a person are the union of the rights of
each of their active role grants whose scope covers that person (see
``zhusan.accounts.access``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    CASE_MANAGER = "case_manager", _("Case manager")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    THEOLOGIAN = "theologian", _("Theologian")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    DOCTOR = "doctor", _("Doctor")
    TEACHER = "teacher", _("Teacher")
    LAWYER = "lawyer", _("Lawyer")
    SECURITY_LIAISON = "security_liaison", _("Security liaison")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    AUDITOR = "auditor", _("Auditor (audit trail only)")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data-protection officer")


class Scope(models.TextChoices):
    OWN = "own", _("Own (assigned cases)")
    UNIT = "unit", _("Unit")
    ORGANISATION = "organisation", _("Organisation")
    ALL = "all", _("All")


class Compartment(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    FAMILY = "family", _("Family")
    CONTACT_LOCATION = "contact_location", _("Contact and location")
    DOCUMENTS = "documents", _("Documents")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial notes")
    RELIGIOUS = "religious", _("Religious-counselling notes")
    JUSTICE_SECURITY = "justice_security", _("Justice and security")


# Compartments whose values are "severe": encrypted at rest, never in clear
# in the audit trail, never in bulk exports.
SEVERE_COMPARTMENTS = frozenset(
    {
        Compartment.HEALTH,
        Compartment.PSYCHOSOCIAL,
        Compartment.RELIGIOUS,
        Compartment.JUSTICE_SECURITY,
    }
)


class Capability(models.TextChoices):
    CREATE_PERSON = "create_person", _("Register persons")
    CHANGE_STAGE = "change_stage", _("Move a person through the lifecycle")
    BREAK_GLASS = "break_glass", _("Break-the-glass access")
    SUPERVISE = "supervise", _("See break-the-glass use in the organisation")
    VIEW_AUDIT = "view_audit", _("Browse the audit trail")
    VIEW_AGGREGATES = "view_aggregates", _("See aggregate figures")
    ISSUE_API_TOKEN = "issue_api_token", _("Issue personal API tokens")
    ADMINISTER = "administer", _("Configure organisations, units and users")
    VIEW_OPERATIONS = "view_operations", _("See repatriation operations and manifests")
    MANAGE_OPERATIONS = "manage_operations", _("Plan operations and manage manifests")
    OVERRIDE_CLEARANCE = "override_clearance", _("Allow boarding with an incomplete checklist")
    RECORD_SECURITY_CLEARANCE = "record_security_clearance", _("Record security clearance outcomes")
    REVIEW_MATCHES = "review_matches", _("Review possible duplicates and family-tracing matches")
    EXPORT_CASES = "export_cases", _("Export case-level records")
    APPROVE_CARE = "approve_care", _("Approve care plans, caseload overrides and case closures")
    OVERRIDE_CONSENT = "override_consent", _("Refer a person without their consent for sharing, with a reason")
    MANAGE_DATA_PROTECTION = (
        "manage_data_protection",
        _(
            "Review retention and approve deletions, decide data-subject requests, keep sharing agreements and the breach log"
        ),
    )


class Detail(models.TextChoices):
    """Parts of a compartment that a role reading it may still be refused: a
    field mask over the person page, its tabs and the API. A teacher reads
    identity (a child's name, age and languages) but not how that identity
    was established, what was consented to, or the case's history."""

    KUNYA = "kunya", _("Kunyas")
    IDENTITY_EVIDENCE = "identity_evidence", _("Identity evidence and nationality")
    CONSENTS = "consents", _("Consents and assents")
    REPATRIATION = "repatriation", _("Repatriation history")
    TIMELINE = "timeline", _("Lifecycle and timeline")


class Home(models.TextChoices):
    """Where a role lands after signing in (URL names)."""

    MY_WORK = "mywork:home", _("My work")
    REPORTS = "reporting:dashboard", _("Reports")
    AUDIT = "audit:event_list", _("Audit trail")
    DATA_PROTECTION = "dataprotection:home", _("Data protection")
    ADMIN = "admin:index", _("Configuration")


C = Compartment
CORE_CASE = frozenset({C.IDENTITY, C.FAMILY, C.CONTACT_LOCATION, C.DOCUMENTS})


@dataclass(frozen=True)
class RolePolicy:
    scope: Scope | None
    read: frozenset[Compartment] = frozenset()
    write: frozenset[Compartment] = frozenset()
    capabilities: frozenset[Capability] = frozenset()
    sees_restriction_flag: bool = field(default=True)
    # Details of readable compartments the role is refused (see ``Detail``).
    withholds: frozenset[Detail] = frozenset()
    # Only persons under 18 within the scope (a teacher's pupils).
    children_only: bool = False
    # The role's home page; a user with several roles lands on the first of
    # ``HOME_ORDER`` one of their roles has.
    home: Home = Home.MY_WORK
    # The person list opens on the user's own cases ("my cases").
    lists_own_cases_first: bool = False

    def __post_init__(self) -> None:
        assert self.write <= self.read, "a role cannot write what it cannot read"


CAP = Capability
POLICIES: dict[Role, RolePolicy] = {
    Role.SYSTEM_ADMIN: RolePolicy(
        scope=None, capabilities=frozenset({CAP.ADMINISTER}), sees_restriction_flag=False, home=Home.ADMIN
    ),
    Role.PROGRAMME_MANAGER: RolePolicy(
        scope=Scope.ALL,
        read=CORE_CASE,
        capabilities=frozenset(
            {
                CAP.SUPERVISE,
                CAP.VIEW_AGGREGATES,
                CAP.ISSUE_API_TOKEN,
                CAP.BREAK_GLASS,
                CAP.VIEW_OPERATIONS,
                CAP.MANAGE_OPERATIONS,
                # Merging a manifest import they staged registers its new persons.
                CAP.CREATE_PERSON,
                CAP.OVERRIDE_CLEARANCE,
                CAP.REVIEW_MATCHES,
                CAP.EXPORT_CASES,
                CAP.APPROVE_CARE,
                CAP.OVERRIDE_CONSENT,
            }
        ),
    ),
    Role.CASE_MANAGER: RolePolicy(
        scope=Scope.OWN,
        read=CORE_CASE | {C.HEALTH},
        write=CORE_CASE,
        capabilities=frozenset(
            {
                CAP.CREATE_PERSON,
                CAP.CHANGE_STAGE,
                CAP.BREAK_GLASS,
                CAP.ISSUE_API_TOKEN,
                CAP.VIEW_OPERATIONS,
                CAP.REVIEW_MATCHES,
                CAP.EXPORT_CASES,
                CAP.APPROVE_CARE,
            }
        ),
    ),
    Role.CONSULAR_OFFICER: RolePolicy(
        scope=Scope.ORGANISATION,
        read=CORE_CASE,
        write=CORE_CASE,
        capabilities=frozenset(
            {
                CAP.CREATE_PERSON,
                CAP.CHANGE_STAGE,
                CAP.ISSUE_API_TOKEN,
                CAP.VIEW_OPERATIONS,
                CAP.MANAGE_OPERATIONS,
                CAP.REVIEW_MATCHES,
            }
        ),
    ),
    Role.PSYCHOLOGIST: RolePolicy(
        scope=Scope.UNIT,
        read=frozenset({C.IDENTITY, C.FAMILY, C.HEALTH, C.PSYCHOSOCIAL}),
        write=frozenset({C.PSYCHOSOCIAL}),
        lists_own_cases_first=True,
    ),
    Role.THEOLOGIAN: RolePolicy(
        scope=Scope.UNIT,
        read=frozenset({C.IDENTITY, C.RELIGIOUS}),
        write=frozenset({C.RELIGIOUS}),
    ),
    Role.SOCIAL_WORKER: RolePolicy(
        scope=Scope.UNIT,
        read=CORE_CASE,
        write=frozenset({C.FAMILY, C.CONTACT_LOCATION, C.DOCUMENTS}),
        capabilities=frozenset({CAP.CHANGE_STAGE}),
    ),
    Role.DOCTOR: RolePolicy(
        scope=Scope.UNIT,
        read=frozenset({C.IDENTITY, C.HEALTH}),
        write=frozenset({C.HEALTH}),
    ),
    # A school needs a pupil's name, age and languages: not kunyas, how the
    # identity was established, consents, repatriation history or timeline.
    Role.TEACHER: RolePolicy(
        scope=Scope.UNIT, read=frozenset({C.IDENTITY}), withholds=frozenset(Detail), children_only=True
    ),
    Role.LAWYER: RolePolicy(
        scope=Scope.ORGANISATION,
        read=frozenset({C.IDENTITY, C.FAMILY, C.DOCUMENTS}),
        write=frozenset({C.DOCUMENTS}),
    ),
    Role.SECURITY_LIAISON: RolePolicy(
        scope=Scope.ALL,
        read=frozenset({C.IDENTITY, C.FAMILY, C.CONTACT_LOCATION, C.JUSTICE_SECURITY}),
        write=frozenset({C.JUSTICE_SECURITY}),
        capabilities=frozenset({CAP.CHANGE_STAGE, CAP.VIEW_OPERATIONS, CAP.RECORD_SECURITY_CLEARANCE}),
    ),
    Role.ANALYST: RolePolicy(
        scope=None, capabilities=frozenset({CAP.VIEW_AGGREGATES}), sees_restriction_flag=False, home=Home.REPORTS
    ),
    Role.AUDITOR: RolePolicy(
        scope=None, capabilities=frozenset({CAP.VIEW_AUDIT}), sees_restriction_flag=False, home=Home.AUDIT
    ),
    # Reads no case compartment: works on what the data-protection pages show
    # (case numbers, kinds of record, rules, dates), and on the audit trail to
    # answer "who saw this record" after a breach.
    Role.DATA_PROTECTION_OFFICER: RolePolicy(
        scope=None,
        capabilities=frozenset({CAP.MANAGE_DATA_PROTECTION, CAP.VIEW_AUDIT}),
        sees_restriction_flag=False,
        home=Home.DATA_PROTECTION,
    ),
}

# A user holding several roles lands on the first of these one of them has:
# case work before figures, figures before the trail, the trail before configuration.
HOME_ORDER = [Home.MY_WORK, Home.REPORTS, Home.DATA_PROTECTION, Home.AUDIT, Home.ADMIN]

# Which compartment each registry record type belongs to (by its audit object type).
RECORD_COMPARTMENT: dict[str, Compartment] = {
    "person": C.IDENTITY,
    "name": C.IDENTITY,
    "evidence": C.IDENTITY,
    "consent": C.IDENTITY,
    "assent": C.IDENTITY,
    "relationship": C.FAMILY,
    "household": C.FAMILY,
    "location": C.CONTACT_LOCATION,
    "document": C.DOCUMENTS,
    "best_interests": C.FAMILY,
}


# Which detail each registry record type belongs to, where one is withheld
# from some readers of its compartment (by its audit object type).
RECORD_DETAIL: dict[str, Detail] = {
    "evidence": Detail.IDENTITY_EVIDENCE,
    "nationality": Detail.IDENTITY_EVIDENCE,
    "consent": Detail.CONSENTS,
    "assent": Detail.CONSENTS,
    "timeline_entry": Detail.TIMELINE,
}


def policy(role: str) -> RolePolicy:
    return POLICIES[Role(role)]
