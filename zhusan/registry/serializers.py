"""Shapes of the registry API: what a client may send and what it gets back.

Input serializers check types, lengths and choices and reject unknown
fields; the services still do the domain validation (birth precision,
lifecycle transitions, name characters), so the rules live in one place.
Output serializers drop whole compartments the reader may not see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhusan.accounts.access import PersonAccess
from zhusan.accounts.models import Unit
from zhusan.accounts.permissions import SEVERE_COMPARTMENTS, Compartment, Detail
from zhusan.core.names import name_error

from .access import (
    JUSTICE_STAGES,
    RESTRICTED_STAGE,
    lists_read_justice,
    reads_justice,
    stage_shown,
)
from .dates import BirthPrecision
from .fields import FIELD_RULES, shows_field
from .models import (
    AssentChoice,
    ChildAssent,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    ConsentStatus,
    Decision,
    Document,
    DocumentStatus,
    DocumentType,
    EstablishedBy,
    EvidenceMethod,
    EvidenceOutcome,
    EvidenceTopic,
    IdentityEvidence,
    LawfulBasis,
    LocationStay,
    NameKind,
    NationalityStatus,
    Person,
    PersonName,
    ProtectedNote,
    RecordType,
    RelationKind,
    Relationship,
    Script,
    Sex,
    Site,
    SiteKind,
    Stage,
    Vulnerability,
)
from .selectors import AGE_BANDS, SORTS
from .text import resolve_script

# A stage as a reader sees it: a justice stage (a custody) is "restricted" for
# readers who do not read justice and security (``access.stage_shown``).
# Described inline (under allOf, so that drf-spectacular does not make an enum
# component of it whose name would clash with the writable fields' stage enums).
SHOWN_STAGES = [*Stage.values, RESTRICTED_STAGE]


def _stage_schema(*extra: str | None) -> dict[str, Any]:
    values: list[str | None] = [*SHOWN_STAGES, *extra]
    inner = {"type": "string", "enum": values} | ({"nullable": True} if None in extra else {})
    return {"allOf": [inner]}


@extend_schema_field(_stage_schema(""))
class ShownFromStageField(serializers.CharField):
    """The stage an entry left, as shown ("" for the first entry)."""


@extend_schema_field(_stage_schema())
class ShownStageField(serializers.CharField):
    """A stage as shown: "restricted" in place of a justice stage."""


# --- Input ----------------------------------------------------------------------


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, so a typo is an error, not a silent no-op."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


def _valid_name_part(value: str) -> None:
    # The one name validator (core.names), as the services use it; checking here puts the error on the right field.
    message = name_error(value)
    if message:
        raise serializers.ValidationError(message)


def _name_part(label: str) -> serializers.CharField:
    return serializers.CharField(
        label=label,
        required=False,
        allow_blank=True,
        max_length=settings.ZHUSAN_MAX_NAME_LENGTH,
        trim_whitespace=True,
        validators=[_valid_name_part],
    )


class NameInputSerializer(StrictSerializer):
    script = serializers.ChoiceField(
        choices=Script.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Detected from the letters when left out; a script the letters contradict is refused.",
    )
    kind = serializers.ChoiceField(choices=NameKind.choices)
    given = _name_part("given name")
    patronymic = _name_part("patronymic or father's name")
    family = _name_part("family name")
    is_primary = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        parts = [attrs.get(p) or "" for p in ("given", "patronymic", "family")]
        if "script" in attrs and any(p.strip() for p in parts):
            try:
                attrs["script"] = resolve_script(attrs["script"], *parts)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class NamePatchSerializer(NameInputSerializer):
    """Every part optional: missing ones keep their stored value."""

    script = serializers.ChoiceField(choices=Script.choices, required=False)
    kind = serializers.ChoiceField(choices=NameKind.choices, required=False)
    is_primary = serializers.BooleanField(required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text='The version you read; or send it as If-Match: "<version>".'
    )


class NationalityInputSerializer(StrictSerializer):
    country = serializers.RegexField(r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2 code")
    status = serializers.ChoiceField(choices=NationalityStatus.choices, default=NationalityStatus.CLAIMED)


class BirthFieldsMixin(serializers.Serializer[Any]):
    birth_precision = serializers.ChoiceField(choices=BirthPrecision.choices, required=False)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2200)
    birth_month = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=12)
    birth_day = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=31)
    stated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    stated_age_on = serializers.DateField(required=False, allow_null=True)
    place_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=200)
    country_of_birth = serializers.RegexField(r"^([A-Za-z]{2})?$", required=False, allow_blank=True, max_length=2)
    languages = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lawful_basis_note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices), required=False, max_length=len(Vulnerability)
    )


class PersonCreateSerializer(StrictSerializer, BirthFieldsMixin):
    sex = serializers.ChoiceField(choices=Sex.choices)
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices, help_text="Required: the lawful basis is recorded before the person is."
    )
    record_type = serializers.ChoiceField(choices=RecordType.choices, default=RecordType.SUBJECT)
    managing_unit = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Unit.objects.none(),
        required=False,
        help_text="UUID of a unit of your organisation; defaults to your own unit.",
    )
    names = NameInputSerializer(many=True, allow_empty=False, max_length=20)  # type: ignore[call-arg]  # many=True passes max_length to the ListSerializer; the stubs miss it
    nationalities = NationalityInputSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]  # as above

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # Declared here: StayInputSerializer comes further down the module.
        fields["current_stay"] = StayInputSerializer(
            required=False,
            allow_null=True,
            default=None,
            help_text="Where the person is now (a camp and its section …), recorded with the registration.",
        )
        user = self.context.get("user")
        if user is not None:
            from zhusan.accounts.access import active_grants

            orgs = {g.organisation_id for g in active_grants(user)}
            if user.unit_id:
                orgs.add(user.unit.organisation_id)
            fields["managing_unit"].queryset = Unit.objects.filter(organisation_id__in=orgs)  # type: ignore[attr-defined]  # get_fields() gives the base Field type; this is the SlugRelatedField above
        return fields


class PersonPatchSerializer(StrictSerializer, BirthFieldsMixin):
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text='The version you read; or send it as If-Match: "<version>".'
    )


class StageChangeSerializer(StrictSerializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text='The version you read; or send it as If-Match: "<version>".'
    )


class PersonFilterSerializer(StrictSerializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        allow_blank=True,
        help_text="A stage that reveals justice data (in_custody) only for readers of justice and security.",
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    age_band = serializers.ChoiceField(choices=[(k, k) for k in AGE_BANDS], required=False, allow_blank=True)
    site = serializers.SlugRelatedField(slug_field="uuid", queryset=Site.objects.all(), required=False)
    vulnerability = serializers.ChoiceField(choices=Vulnerability.choices, required=False, allow_blank=True)
    sort = serializers.ChoiceField(
        choices=[(k, k) for k in SORTS],
        required=False,
        allow_blank=True,
        help_text="case (default), name, stage (pathway order) or activity (latest change first).",
    )
    mine = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only persons assigned to you. Absent: your roles' default (a psychologist's caseload first).",
    )
    page = serializers.IntegerField(required=False, min_value=1)

    def validate_stage(self, value: str) -> str:
        # Asking for "in_custody" would tell who is in custody.
        user = self.context.get("user")
        if value in JUSTICE_STAGES and (user is None or not lists_read_justice(user)):
            raise serializers.ValidationError(_("You may not filter by this stage."))
        return value


class RelationshipInputSerializer(StrictSerializer):
    other_person = serializers.UUIDField(help_text="The other person: they are `kind` of this person.")
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    established_by = serializers.ChoiceField(choices=EstablishedBy.choices)
    established_on = serializers.DateField(required=False)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DocumentInputSerializer(StrictSerializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=200)
    applied_on = serializers.DateField(required=False, allow_null=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class DocumentPatchSerializer(DocumentInputSerializer):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text='The version you read; or send it as If-Match: "<version>".'
    )


class EvidenceInputSerializer(StrictSerializer):
    topic = serializers.ChoiceField(choices=EvidenceTopic.choices)
    method = serializers.ChoiceField(choices=EvidenceMethod.choices)
    outcome = serializers.ChoiceField(choices=EvidenceOutcome.choices)
    matched_relative = serializers.UUIDField(required=False, allow_null=True)
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Laboratory or document reference; never a profile."
    )
    decision = serializers.ChoiceField(choices=Decision.choices, default=Decision.PENDING)


class StayInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    site = serializers.SlugRelatedField(slug_field="uuid", queryset=Site.objects.all(), required=False, allow_null=True)
    section = serializers.CharField(required=False, allow_blank=True, max_length=100)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


class ConsentInputSerializer(StrictSerializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    given_by_person = serializers.UUIDField(required=False, allow_null=True)
    given_on = serializers.DateField(required=False)
    witnesses = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AssentInputSerializer(StrictSerializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    assent = serializers.ChoiceField(choices=AssentChoice.choices)
    views = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    recorded_on = serializers.DateField(required=False)


NOTE_COMPARTMENTS = sorted(SEVERE_COMPARTMENTS)


class NoteInputSerializer(StrictSerializer):
    compartment = serializers.ChoiceField(choices=[(c.value, c.label) for c in NOTE_COMPARTMENTS])
    body = serializers.CharField(max_length=20000)


class NoteFilterSerializer(StrictSerializer):
    compartment = serializers.ChoiceField(choices=[(c.value, c.label) for c in NOTE_COMPARTMENTS])


# --- Output ---------------------------------------------------------------------


class FieldRuleMixin:
    """Drops the fields the reader may not see by the one field rule
    (``registry.fields``), which the person page's templates follow too.
    Without an ``access`` in the context (schema generation) every field is described."""

    context: dict[str, Any]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = super().get_fields()  # type: ignore[misc]  # a mixin of ModelSerializer
        access: PersonAccess | None = self.context.get("access")
        if access is None:
            return fields
        model = self.Meta.model  # type: ignore[attr-defined]  # every ModelSerializer has a Meta
        return {name: field for name, field in fields.items() if shows_field(access, model, name)}

    def maskable_fields(self) -> set[str]:
        """Fields some readers of the record do not get (their own rule: ``fields.FIELD_RULES``);
        the schema does not require them (``zhusan.core.api.AutoSchema``)."""
        return set(FIELD_RULES.get(self.Meta.model, {}))  # type: ignore[attr-defined]  # every ModelSerializer has a Meta


class NameSerializer(FieldRuleMixin, serializers.ModelSerializer[PersonName]):
    full = serializers.CharField(read_only=True)

    class Meta:
        model = PersonName
        fields = ["uuid", "script", "kind", "given", "patronymic", "family", "is_primary", "full", "version"]


class BirthSerializer(serializers.Serializer[Any]):
    precision = serializers.CharField()
    display = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    day = serializers.IntegerField(allow_null=True)
    stated_age = serializers.IntegerField(allow_null=True)
    stated_on = serializers.DateField(allow_null=True)

    def to_representation(self, person: Person) -> dict[str, Any]:
        return {
            "precision": person.birth_precision,
            "display": person.birth.display(),
            "year": person.birth_year,
            "month": person.birth_month,
            "day": person.birth_day,
            "stated_age": person.stated_age,
            "stated_on": person.stated_age_on.isoformat() if person.stated_age_on else None,
        }


class PersonSummarySerializer(serializers.ModelSerializer[Person]):
    """A person in a list. Context: ``access`` (one person's reader) or, for
    lists, ``reads_justice`` and ``shows_stage`` (``access.lists_read_justice``,
    the list's field mask); without them a justice stage is "restricted"."""

    primary_name = serializers.SerializerMethodField()
    names = serializers.SerializerMethodField()
    birth = BirthSerializer(source="*", read_only=True)
    age = serializers.SerializerMethodField(help_text="Derived from the birth interval, never stored.")
    stage = serializers.SerializerMethodField(
        help_text='"restricted" in place of a stage that reveals justice data, for readers who may not see it.'
    )

    class Meta:
        model = Person
        fields = [
            "uuid",
            "case_number",
            "record_type",
            "primary_name",
            "names",
            "sex",
            "birth",
            "age",
            "stage",
            "version",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_primary_name(self, person: Person) -> str | None:
        name = person.primary_name
        return name.full if name else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_names(self, person: Person) -> list[str]:
        return [n.full for n in person.names.all()]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_age(self, person: Person) -> int | None:
        return person.age()

    def _reads_justice(self) -> bool:
        access: PersonAccess | None = self.context.get("access")
        return reads_justice(access) if access is not None else bool(self.context.get("reads_justice"))

    @extend_schema_field(_stage_schema(None))
    def get_stage(self, person: Person) -> str | None:
        return stage_shown(person.stage, justice=self._reads_justice())

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        if self.context.get("shows_stage") is False:  # a list under a teacher's mask
            fields.pop("stage", None)
        return fields

    def maskable_fields(self) -> set[str]:
        """Fields some readers do not get (``zhusan.core.api.AutoSchema`` leaves them out of ``required``)."""
        return {"stage"}


class RelationshipSerializer(FieldRuleMixin, serializers.ModelSerializer[Relationship]):
    from_person = serializers.UUIDField(source="from_person.uuid", read_only=True)
    to_person = serializers.UUIDField(source="to_person.uuid", read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "uuid",
            "from_person",
            "kind",
            "to_person",
            "established_by",
            "established_on",
            "reference",
            "version",
        ]


class DocumentSerializer(FieldRuleMixin, serializers.ModelSerializer[Document]):
    class Meta:
        model = Document
        fields = ["uuid", "doc_type", "number", "issuer", "status", "applied_on", "issued_on", "expires_on", "version"]


class StaySerializer(FieldRuleMixin, serializers.ModelSerializer[LocationStay]):
    site: serializers.SlugRelatedField[Site] = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, allow_null=True
    )
    site_name = serializers.CharField(source="site.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = LocationStay
        fields = ["uuid", "kind", "site", "site_name", "section", "address", "started_on", "ended_on", "version"]


class EvidenceSerializer(FieldRuleMixin, serializers.ModelSerializer[IdentityEvidence]):
    """The laboratory reference only for those who may write identity data (``fields.FIELD_RULES``)."""

    matched_relative: serializers.SlugRelatedField[Person] = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, allow_null=True
    )
    reference = serializers.CharField(required=False, help_text="Present only if you may write identity data.")

    class Meta:
        model = IdentityEvidence
        fields = [
            "uuid",
            "topic",
            "method",
            "outcome",
            "matched_relative",
            "reference",
            "decision",
            "decided_on",
            "version",
        ]


class ConsentSerializer(FieldRuleMixin, serializers.ModelSerializer[Consent]):
    given_by_person: serializers.SlugRelatedField[Person] = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, allow_null=True
    )

    class Meta:
        model = Consent
        fields = ["uuid", "purpose", "status", "given_by", "given_by_person", "given_on", "witnesses"]


class AssentSerializer(FieldRuleMixin, serializers.ModelSerializer[ChildAssent]):
    class Meta:
        model = ChildAssent
        fields = ["uuid", "purpose", "assent", "views", "recorded_on"]


class ConsentsSerializer(serializers.Serializer[Any]):
    consents = ConsentSerializer(many=True)
    assents = AssentSerializer(many=True)


class TimelineSerializer(serializers.Serializer[Any]):
    """A timeline entry as the reader sees it (``access.timeline_shown``): an
    entry into or out of a justice stage is "restricted", without its reason,
    for readers who do not read justice and security."""

    from_stage = ShownFromStageField(read_only=True, allow_blank=True)
    to_stage = ShownStageField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True, default=None)
    reason = serializers.CharField(read_only=True, allow_null=True, help_text="Absent (null) on a restricted entry.")


class NoteSerializer(serializers.ModelSerializer[ProtectedNote]):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProtectedNote
        fields = ["uuid", "compartment", "body", "author", "created_at"]


# Which compartment each optional part of the detail belongs to.
DETAIL_COMPARTMENTS: dict[str, Compartment] = {
    "names": Compartment.IDENTITY,
    "evidence": Compartment.IDENTITY,
    "consents": Compartment.IDENTITY,
    "assents": Compartment.IDENTITY,
    "relationships": Compartment.FAMILY,
    "stays": Compartment.CONTACT_LOCATION,
    "documents": Compartment.DOCUMENTS,
}


# Parts withheld from some readers of their compartment (``permissions.Detail``:
# a teacher's field mask). Kunyas are left out of the names by the selectors.
DETAIL_MASKED: dict[str, Detail] = {
    "evidence": Detail.IDENTITY_EVIDENCE,
    "nationalities": Detail.IDENTITY_EVIDENCE,
    "consents": Detail.CONSENTS,
    "assents": Detail.CONSENTS,
    "stage": Detail.TIMELINE,
    "stage_changed_at": Detail.TIMELINE,
    "allowed_transitions": Detail.TIMELINE,
}


class PersonDetailSerializer(PersonSummarySerializer):
    """A person as the reader may see them: compartments they cannot read are absent."""

    names = NameSerializer(many=True, read_only=True, required=False)  # type: ignore[assignment]  # the detail nests the names the summary lists as strings
    managing_unit: serializers.SlugRelatedField[Unit] = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    vulnerabilities = serializers.SerializerMethodField()
    nationalities = serializers.SerializerMethodField()
    relationships = serializers.SerializerMethodField(required=False)
    stays = StaySerializer(many=True, read_only=True, required=False)
    documents = DocumentSerializer(many=True, read_only=True, required=False)
    evidence = serializers.SerializerMethodField(required=False)
    consents = ConsentSerializer(many=True, read_only=True, required=False)
    assents = AssentSerializer(many=True, read_only=True, required=False)
    restriction_applies = serializers.SerializerMethodField(
        required=False, help_text="Present only for roles that see the justice-and-security flag."
    )
    allowed_transitions = serializers.SerializerMethodField()

    class Meta(PersonSummarySerializer.Meta):
        fields = [
            *PersonSummarySerializer.Meta.fields,
            "place_of_birth",
            "country_of_birth",
            "languages",
            "managing_unit",
            "lawful_basis",
            "lawful_basis_note",
            "stage_changed_at",
            "created_at",
            "updated_at",
            "vulnerabilities",
            "nationalities",
            "allowed_transitions",
            *DETAIL_COMPARTMENTS,
            "restriction_applies",
        ]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        access: PersonAccess | None = self.context.get("access")
        if access is None:  # schema generation: describe everything
            return fields
        for name, compartment in DETAIL_COMPARTMENTS.items():
            if not access.can_read(compartment, DETAIL_MASKED.get(name)):
                fields.pop(name)
        for name, detail in DETAIL_MASKED.items():
            if name not in DETAIL_COMPARTMENTS and not access.shows(detail):
                fields.pop(name)
        if not access.sees_restriction_flag:
            fields.pop("restriction_applies")
        return fields

    def maskable_fields(self) -> set[str]:
        """Every part ``get_fields`` may drop for some reader: compartments, masked details, the flag."""
        return {*super().maskable_fields(), *DETAIL_COMPARTMENTS, *DETAIL_MASKED, "restriction_applies"}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Vulnerability.choices)))
    def get_vulnerabilities(self, person: Person) -> list[str]:
        return sorted(person.vulnerabilities.values_list("kind", flat=True))

    @extend_schema_field(NationalityInputSerializer(many=True))
    def get_nationalities(self, person: Person) -> list[dict[str, str]]:
        return [{"country": n.country, "status": n.status} for n in person.nationalities.order_by("country")]

    @extend_schema_field(RelationshipSerializer(many=True))
    def get_relationships(self, person: Person) -> list[dict[str, Any]]:
        rels = Relationship.objects.filter(from_person=person) | Relationship.objects.filter(to_person=person)
        rels = rels.select_related("from_person", "to_person").order_by("pk")
        return RelationshipSerializer(rels, many=True).data  # type: ignore[return-value]  # many=True gives a ListSerializer (a list); the stubs type the child

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, person: Person) -> list[dict[str, Any]]:
        qs = person.evidence.select_related("matched_relative").order_by("pk")
        return EvidenceSerializer(qs, many=True, context=self.context).data  # type: ignore[return-value]  # as above

    @extend_schema_field(serializers.BooleanField())
    def get_restriction_applies(self, person: Person) -> bool:
        from .services import has_justice_restriction

        return has_justice_restriction(person)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices)))
    def get_allowed_transitions(self, person: Person) -> list[str]:
        from .services import allowed_transitions

        if stage_shown(person.stage, justice=self._reads_justice()) == RESTRICTED_STAGE:
            return []  # the moves out of a custody would name it
        return [s.value for s in allowed_transitions(person)]
