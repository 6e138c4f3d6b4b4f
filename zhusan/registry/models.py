"""The registry: persons, their names, families, evidence, documents, stays,
lifecycle, lawful basis and consent.

Writes go through ``services.py``; reads through ``selectors.py``, which
applies the caller's scope and compartments.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.models import Unit
from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import ObjectType
from zhusan.core.crypto import EncryptedTextField
from zhusan.core.models import TimeStampedModel, UUIDModel, VersionedModel

from .dates import BirthDate, BirthPrecision, best_age

USER = settings.AUTH_USER_MODEL


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class RecordType(models.TextChoices):
    SUBJECT = "subject", _("Person in the programme")
    RELATIVE = "relative", _("Relative at home")


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    VERIFIED = "verified", _("Verified")
    CLEARED = "cleared", _("Cleared")
    REPATRIATED = "repatriated", _("Repatriated")
    IN_REHABILITATION = "in_rehabilitation", _("In rehabilitation")
    REINTEGRATING = "reintegrating", _("Reintegrating")
    CLOSED = "closed", _("Closed")
    REMAINED_ABROAD = "remained_abroad", _("Remained abroad")
    IN_CUSTODY = "in_custody", _("In custody")
    DECEASED = "deceased", _("Deceased")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = Stage
# The only transitions the lifecycle allows; anything else is refused.
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    S.IDENTIFIED: frozenset({S.VERIFIED, S.REMAINED_ABROAD, S.DECEASED, S.WITHDRAWN}),
    S.VERIFIED: frozenset({S.CLEARED, S.REMAINED_ABROAD, S.DECEASED, S.WITHDRAWN}),
    S.CLEARED: frozenset({S.REPATRIATED, S.REMAINED_ABROAD, S.DECEASED, S.WITHDRAWN}),
    S.REPATRIATED: frozenset({S.IN_REHABILITATION, S.REINTEGRATING, S.IN_CUSTODY, S.DECEASED}),
    S.IN_REHABILITATION: frozenset({S.REINTEGRATING, S.IN_CUSTODY, S.DECEASED}),
    S.REINTEGRATING: frozenset({S.CLOSED, S.IN_CUSTODY, S.DECEASED}),
    S.IN_CUSTODY: frozenset({S.IN_REHABILITATION, S.REINTEGRATING, S.CLOSED, S.DECEASED}),
    S.REMAINED_ABROAD: frozenset({S.IDENTIFIED, S.CLOSED, S.DECEASED}),
    S.WITHDRAWN: frozenset({S.IDENTIFIED, S.CLOSED}),
    S.CLOSED: frozenset({S.REINTEGRATING}),
    S.DECEASED: frozenset(),
}
# The main path, in order, for pipelines and progress displays.
MAIN_PATH = [S.IDENTIFIED, S.VERIFIED, S.CLEARED, S.REPATRIATED, S.IN_REHABILITATION, S.REINTEGRATING, S.CLOSED]


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    PUBLIC_INTEREST = "public_interest", _("Public interest")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")


class Vulnerability(models.TextChoices):
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied child")
    SEPARATED = "separated", _("Separated child")
    ORPHAN = "orphan", _("Orphan")
    DISABILITY = "disability", _("Disability")
    PREGNANCY = "pregnancy", _("Pregnancy")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    SERIOUS_MEDICAL = "serious_medical", _("Serious medical condition")
    FEMALE_HEADED_HOUSEHOLD = "female_headed_household", _("Female-headed household")
    ELDERLY = "elderly", _("Older person")
    GBV_SURVIVOR = "gbv_survivor", _("Survivor of gender-based violence")


class SiteKind(models.TextChoices):
    CAMP = "camp", _("Camp")
    PRISON = "prison", _("Prison")
    DETENTION = "detention", _("Detention facility")
    REHABILITATION_CENTRE = "rehabilitation_centre", _("Rehabilitation centre")
    TRANSIT = "transit", _("Transit point")
    HOME = "home", _("Home address")
    OTHER = "other", _("Other")


class Site(UUIDModel):
    """A place people stay: a camp, prison, centre. Configured in the admin."""

    audit_type = ObjectType.SITE

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=SiteKind.choices)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last case number issued per prefix; incremented under a row lock."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class PersonQuerySet(models.QuerySet["Person"]):
    def subjects(self) -> PersonQuerySet:
        return self.filter(record_type=RecordType.SUBJECT)

    def born_between(self, earliest: date | None, latest: date) -> PersonQuerySet:
        qs = self.filter(birth_date_mid__lte=latest)
        if earliest is not None:
            qs = qs.filter(birth_date_mid__gte=earliest)
        return qs

    def with_vulnerability(self, kind: str) -> PersonQuerySet:
        return self.filter(vulnerabilities__kind=kind)

    def currently_at(self, site: Site) -> PersonQuerySet:
        return self.filter(stays__site=site, stays__ended_on__isnull=True).distinct()

    def not_merged(self) -> PersonQuerySet:
        """Records that stand for a person: not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.PERSON

    case_number = models.CharField(_("case number"), max_length=40, unique=True, editable=False)
    record_type = models.CharField(
        _("record type"), max_length=20, choices=RecordType.choices, default=RecordType.SUBJECT
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_precision = models.CharField(
        _("birth date precision"), max_length=10, choices=BirthPrecision.choices, default=BirthPrecision.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("birth month"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    stated_age = models.PositiveSmallIntegerField(_("stated age"), null=True, blank=True)
    stated_age_on = models.DateField(_("age stated on"), null=True, blank=True)
    # The interval of possible birth days, derived from the fields above by
    # the services, so that age filters run in the database.
    birth_date_low = models.DateField(null=True, blank=True, editable=False)
    birth_date_high = models.DateField(null=True, blank=True, editable=False)
    birth_date_mid = models.DateField(null=True, blank=True, editable=False, db_index=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    country_of_birth = models.CharField(_("country of birth"), max_length=2, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. kk, ru, ar")
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, null=True, blank=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    managing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="persons", verbose_name=_("managing unit")
    )
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=LawfulBasis.choices)
    lawful_basis_note = models.CharField(_("lawful basis note"), max_length=500, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    # Set by ``services.person_merge`` when this record turns out to be a
    # duplicate: it then leaves every list and answers read-only, naming the
    # record that survived. Undoing the merge clears it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["case_number"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=Q(record_type="relative") | Q(stage__isnull=False),
                name="person_subject_has_stage",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_day__gte=1, birth_day__lte=31),
                name="person_birth_day_valid",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="person_not_merged_into_self"),
        ]

    def __str__(self) -> str:
        return self.case_number

    def get_absolute_url(self) -> str:
        return reverse("registry:person_detail", args=[self.uuid])

    @property
    def birth(self) -> BirthDate:
        return BirthDate(
            precision=BirthPrecision(self.birth_precision),
            year=self.birth_year,
            month=self.birth_month,
            day=self.birth_day,
            stated_age=self.stated_age,
            stated_on=self.stated_age_on,
        )

    def age(self, on: date | None = None) -> int | None:
        """Age derived from the birth interval; never stored."""
        return best_age(self.birth_date_low, self.birth_date_high, on or timezone.localdate())

    def is_child(self, on: date | None = None) -> bool:
        age = self.age(on)
        return age is not None and age < 18

    def definitely_at_least(self, years: int, on: date | None = None) -> bool:
        """True only when even the latest possible birth day gives ``years``."""
        from .dates import completed_years

        if self.birth_date_high is None:
            return False
        return completed_years(self.birth_date_high, on or timezone.localdate()) >= years

    @property
    def primary_name(self) -> PersonName | None:
        names = list(self.names.all())
        for name in names:
            if name.is_primary:
                return name
        return names[0] if names else None


class PersonVulnerability(models.Model):
    audit_type = ObjectType.VULNERABILITY

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    kind = models.CharField(_("vulnerability"), max_length=40, choices=Vulnerability.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="vulnerability_once")]

    def __str__(self) -> str:
        return self.get_kind_display()


class NationalityStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not confirmed")


class PersonNationality(models.Model):
    audit_type = ObjectType.NATIONALITY

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    country = models.CharField(_("country"), max_length=2)
    status = models.CharField(_("status"), max_length=10, choices=NationalityStatus.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "country"], name="nationality_once")]

    def __str__(self) -> str:
        return f"{self.country} ({self.get_status_display()})"


class Script(models.TextChoices):
    CYRILLIC = "cyrillic", _("Cyrillic")
    LATIN = "latin", _("Latin")
    ARABIC = "arabic", _("Arabic")
    OTHER = "other", _("Other")


class NameKind(models.TextChoices):
    LEGAL = "legal", _("Legal name")
    BIRTH = "birth", _("Name at birth")
    ALIAS = "alias", _("Alias")
    KUNYA = "kunya", _("Kunya")
    TRANSLITERATION = "transliteration", _("Transliteration")
    FOREIGN_DOCUMENT = "foreign_document", _("Spelling in a foreign document")


class PersonName(UUIDModel, VersionedModel):
    audit_type = ObjectType.NAME

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    script = models.CharField(_("script"), max_length=10, choices=Script.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=NameKind.choices)
    given = models.CharField(_("given name"), max_length=200, blank=True)
    patronymic = models.CharField(_("patronymic or father's name"), max_length=200, blank=True)
    family = models.CharField(_("family name"), max_length=200, blank=True)
    is_primary = models.BooleanField(_("primary name"), default=False)
    # Case- and diacritic-folded form of all parts plus a Latin transliteration,
    # kept by the services for search.
    search_key = models.TextField(editable=False, default="")
    # The matching engine's keys of each word (registry.text.match_keys), kept
    # by the services, so that search forgives spelling across scripts.
    match_key = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-is_primary", "pk"]
        verbose_name = _("name")
        constraints = [
            models.CheckConstraint(
                condition=~Q(given="") | ~Q(family="") | ~Q(patronymic=""),
                name="name_has_a_part",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_primary=True), name="one_primary_name_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.full

    @property
    def full(self) -> str:
        if self.script == Script.CYRILLIC and self.patronymic:
            parts = [self.family, self.given, self.patronymic]
        else:
            parts = [self.given, self.patronymic, self.family]
        return " ".join(p for p in parts if p)


class RelationKind(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    HALF_SIBLING = "half_sibling", _("Half-sibling")
    SPOUSE = "spouse", _("Spouse")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    NIECE_NEPHEW = "niece_nephew", _("Niece or nephew")
    GUARDIAN = "guardian", _("Guardian")
    WARD = "ward", _("Ward")
    OTHER = "other", _("Other")


# "A is MOTHER of B" reads from B's side as "A's CHILD".
INVERSE_RELATION: dict[str, str] = {
    RelationKind.MOTHER: RelationKind.CHILD,
    RelationKind.FATHER: RelationKind.CHILD,
    RelationKind.CHILD: RelationKind.CHILD,  # refined by the parent's sex when shown
    RelationKind.SIBLING: RelationKind.SIBLING,
    RelationKind.HALF_SIBLING: RelationKind.HALF_SIBLING,
    RelationKind.SPOUSE: RelationKind.SPOUSE,
    RelationKind.GRANDPARENT: RelationKind.GRANDCHILD,
    RelationKind.GRANDCHILD: RelationKind.GRANDPARENT,
    RelationKind.AUNT_UNCLE: RelationKind.NIECE_NEPHEW,
    RelationKind.NIECE_NEPHEW: RelationKind.AUNT_UNCLE,
    RelationKind.GUARDIAN: RelationKind.WARD,
    RelationKind.WARD: RelationKind.GUARDIAN,
    RelationKind.OTHER: RelationKind.OTHER,
}


class EstablishedBy(models.TextChoices):
    DECLARED = "declared", _("Declared")
    DOCUMENT = "document", _("Document")
    DNA_KINSHIP = "dna_kinship", _("DNA kinship outcome")
    COURT_DECISION = "court_decision", _("Court decision")


class Relationship(UUIDModel, TimeStampedModel, VersionedModel):
    """``from_person`` is ``kind`` of ``to_person`` (the mother of, the guardian of …)."""

    audit_type = ObjectType.RELATIONSHIP

    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_out")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    established_by = models.CharField(_("established by"), max_length=20, choices=EstablishedBy.choices)
    established_on = models.DateField(_("established on"), default=timezone.localdate)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("relationship")
        constraints = [
            models.CheckConstraint(condition=~Q(from_person=models.F("to_person")), name="relation_not_to_self"),
            models.UniqueConstraint(fields=["from_person", "to_person", "kind"], name="relation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} is {self.kind} of {self.to_person}"


class Household(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.HOUSEHOLD

    label = models.CharField(_("label"), max_length=200)
    members: models.ManyToManyField[Person, HouseholdMember] = models.ManyToManyField(
        Person, through="HouseholdMember", related_name="households"
    )

    class Meta:
        verbose_name = _("household")

    def __str__(self) -> str:
        return self.label


class HouseholdRole(models.TextChoices):
    HEAD = "head", _("Head")
    CARER = "carer", _("Carer")
    CHILD = "child", _("Child")
    MEMBER = "member", _("Member")


class HouseholdMember(models.Model):
    audit_type = ObjectType.HOUSEHOLD_MEMBER

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    role = models.CharField(_("role"), max_length=10, choices=HouseholdRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "person"], name="household_member_once")]

    def __str__(self) -> str:
        return f"{self.person} in {self.household} ({self.role})"


class EvidenceTopic(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    NATIONALITY = "nationality", _("Nationality")
    KINSHIP = "kinship", _("Kinship")


class EvidenceMethod(models.TextChoices):
    DOCUMENT = "document", _("Document")
    DNA_KINSHIP = "dna_kinship", _("DNA kinship test")
    TESTIMONY = "testimony", _("Testimony")
    CONSULAR_INTERVIEW = "consular_interview", _("Consular interview")
    REGISTRY_RECORD = "registry_record", _("Civil registry record")


class EvidenceOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    PENDING = "pending", _("Pending")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    PENDING = "pending", _("Pending")


class IdentityEvidence(UUIDModel, TimeStampedModel, VersionedModel):
    """How identity, nationality or kinship was established. For DNA, the
    outcome and the laboratory's reference only: never a genetic profile."""

    audit_type = ObjectType.EVIDENCE

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evidence")
    topic = models.CharField(_("topic"), max_length=20, choices=EvidenceTopic.choices)
    method = models.CharField(_("method"), max_length=30, choices=EvidenceMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=EvidenceOutcome.choices)
    matched_relative = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("matched relative")
    )
    reference = EncryptedTextField(_("laboratory or document reference"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity evidence")
        verbose_name_plural = _("identity evidence")

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.get_method_display()} — {self.get_outcome_display()}"


class DocumentType(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    PASSPORT = "passport", _("Passport")
    IDENTITY_CARD = "identity_card", _("Identity card")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    COURT_DECISION = "court_decision", _("Court decision")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    APPLIED = "applied", _("Applied for")
    ISSUED = "issued", _("Issued")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")


class Document(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.DOCUMENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("type"), max_length=30, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["doc_type", "-issued_on"]
        verbose_name = _("document")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="document_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}".strip()


class LocationStay(UUIDModel, TimeStampedModel, VersionedModel):
    audit_type = ObjectType.LOCATION

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stays")
    kind = models.CharField(_("kind"), max_length=30, choices=SiteKind.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="stays")
    section = models.CharField(_("section, block or cell"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("stay")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="stay_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(site__isnull=False) | ~Q(address=""), name="stay_has_place"),
        ]

    def __str__(self) -> str:
        return str(self.site or self.address)


class TimelineEntry(models.Model):
    """One line on a person's timeline: a lifecycle transition, who, when, why."""

    audit_type = ObjectType.TIMELINE_ENTRY

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="timeline")
    from_stage = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    # Encrypted at rest: why someone entered or left custody is justice data
    # (shown only to its readers: ``access.timeline_shown``).
    reason = EncryptedTextField(_("reason"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")

    def __str__(self) -> str:
        return f"{self.person}: {self.from_stage or '—'} → {self.to_stage}"


class ConsentPurpose(models.TextChoices):
    RETURN = "return", _("Return to the home country")
    SERVICES = "services", _("Receiving services")
    TRACING = "tracing", _("Family tracing")
    STATISTICS = "statistics", _("Non-identifying statistics")
    SHARE_FAMILY = "share_family", _("Sharing with family")
    SHARE_HEALTH = "share_health", _("Sharing with health services")
    SHARE_EDUCATION = "share_education", _("Sharing with schools")
    SHARE_SOCIAL = "share_social", _("Sharing with social services")
    SHARE_NGO = "share_ngo", _("Sharing with NGOs")
    SHARE_LAW_ENFORCEMENT = "share_law_enforcement", _("Sharing with law enforcement")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The person")
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian")
    AUTHORITY = "authority", _("Guardianship authority")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Consent(UUIDModel):
    """Consent for one purpose, given by the person or, for a child, by a parent or guardian."""

    audit_type = ObjectType.CONSENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    given_by_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("giver")
    )
    given_on = models.DateField(_("date"), default=timezone.localdate)
    witnesses = models.CharField(_("witnesses"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["purpose", "-given_on", "-recorded_at"]
        verbose_name = _("consent")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_status_display()}"


class AssentChoice(models.TextChoices):
    AGREES = "agrees", _("Agrees")
    DISAGREES = "disagrees", _("Disagrees")
    NOT_ABLE = "not_able", _("Too young or not able to express a view")


class ChildAssent(UUIDModel):
    """The child's own view, kept apart from the guardian's consent."""

    audit_type = ObjectType.ASSENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    assent = models.CharField(_("assent"), max_length=10, choices=AssentChoice.choices)
    views = models.TextField(_("the child's views in their words"), blank=True)
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["purpose", "-recorded_on"]
        verbose_name = _("child's assent")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_assent_display()}"


class ProtectedNote(UUIDModel, TimeStampedModel):
    """A note in a severe compartment (health, psychosocial, religious
    counselling, justice and security), encrypted at rest."""

    audit_type = ObjectType.NOTE

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="protected_notes")
    compartment = models.CharField(_("compartment"), max_length=30, choices=Compartment.choices)
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("protected note")

    def __str__(self) -> str:
        return f"{self.compartment} note on {self.person}"


class CaseAssignment(models.Model):
    """A staff member assigned to a person; gives "own" scope access."""

    audit_type = ObjectType.ASSIGNMENT

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"], condition=Q(ended_at__isnull=True), name="one_open_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person}"


class BestInterestsPurpose(models.TextChoices):
    SEPARATION = "separation", _("Separation from a carer")
    DISCHARGE = "discharge", _("Discharge from a centre")
    PLACEMENT = "placement", _("Placement")
    CHANGE_OF_PLACEMENT = "change_of_placement", _("Change of placement")
    CLOSURE = "closure", _("Closure of the case")
    OTHER = "other", _("Other decision")


# From this age a child's own views are sought (or why they were not is written down).
VIEWS_SOUGHT_FROM_AGE = 7


class BestInterestsAssessment(UUIDModel, TimeStampedModel):
    """A recorded best-interests assessment of a child before a decision that
    changes where or with whom the child lives (UNHCR's BIA): who assessed,
    when, the child's own views where age allows, the recommendation. Other
    apps require one before a child's discharge, placement, separation or
    closure (``registry.services.best_interests_record`` and
    ``registry.selectors.best_interests_for``)."""

    audit_type = ObjectType.BEST_INTERESTS

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="best_interests")
    purpose = models.CharField(_("decision"), max_length=30, choices=BestInterestsPurpose.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor"))
    childs_views = models.TextField(_("the child's views"), blank=True)
    views_not_sought_reason = models.CharField(_("why the child's views were not sought"), max_length=300, blank=True)
    recommendation = models.TextField(_("recommendation"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("best-interests assessment")
        constraints = [
            models.CheckConstraint(condition=~Q(recommendation=""), name="best_interests_has_recommendation"),
        ]

    def __str__(self) -> str:
        return f"best-interests assessment of {self.person} ({self.purpose}, {self.assessed_on})"


class SealedCompartment(UUIDModel, TimeStampedModel):
    """A compartment of a person's record sealed at majority where the law
    requires it (``ZHUSAN_SEALED_COMPARTMENTS``, on the ``ZHUSAN_SEALING_AGE``
    birthday): the access path refuses it to every reader
    (``access.access_for_many``) but one holding the named role
    (``ZHUSAN_SEALED_RECORD_READER_ROLE``) who has entered a court reference
    and so holds the seal's time-limited access (``access_user`` until
    ``access_until``). Only that role lifts a seal, with a court reference.

    Not unique per person and compartment: a merge moves the merged record's
    seals to the survivor, which may hold its own."""

    audit_type = ObjectType.SEALED_COMPARTMENT

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="seals")
    compartment = models.CharField(_("compartment"), max_length=30, choices=Compartment.choices)
    sealed_on = models.DateField(_("sealed on"))
    reason = models.CharField(_("reason"), max_length=300)
    # The open sealed-access grant (one at a time; each opening is in the audit trail).
    access_user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    access_court_reference = models.CharField(_("court reference for access"), max_length=200, blank=True)
    access_until = models.DateTimeField(_("access open until"), null=True, blank=True)
    unsealed_on = models.DateField(_("unsealed on"), null=True, blank=True)
    unsealed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    court_reference = models.CharField(_("court reference for unsealing"), max_length=200, blank=True)

    class Meta:
        ordering = ["person", "compartment", "sealed_on"]
        verbose_name = _("sealed compartment")
        verbose_name_plural = _("sealed compartments")
        indexes = [models.Index(fields=["person", "unsealed_on"], name="sealed_person_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unsealed_on__isnull=True) | (Q(unsealed_by__isnull=False) & ~Q(court_reference="")),
                name="sealed_unsealing_has_court_reference",
            ),
            models.CheckConstraint(
                condition=Q(access_user__isnull=True) | (Q(access_until__isnull=False) & ~Q(access_court_reference="")),
                name="sealed_access_has_court_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compartment} of {self.person} sealed on {self.sealed_on}"

    @property
    def is_sealed(self) -> bool:
        return self.unsealed_on is None

    def open_for(self, user_id: int | None, now: datetime) -> bool:
        """Whether ``user_id`` holds this seal's access at ``now``."""
        return (
            user_id is not None
            and self.access_user_id == user_id
            and self.access_until is not None
            and self.access_until > now
        )
