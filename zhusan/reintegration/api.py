"""/api/v1/reintegration/ and /api/v1/persons/<uuid>/…: the same scope,
compartments, validation and audit as the pages.

Thin views: selectors look up (and audit), services write (and audit). Bad
input answers 400 with messages by field and writes nothing; an update needs
the version read (If-Match or "version"), a stale one answers 409. Choice
fields are plain text in the schema (their values are listed in the help
text), so that they do not collide with other apps' enums.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, record
from zhusan.core.api import expected_version, query_flag
from zhusan.registry.models import AssentChoice, IdentityEvidence, Person
from zhusan.registry.selectors import get_person_for_user

from . import letters, selectors, services
from .models import (
    Attendance,
    BenefitClaim,
    BenefitKind,
    ClaimStatus,
    CourtDecision,
    DocumentPathway,
    EducationLevel,
    Enrolment,
    HomeVisit,
    PathwayDocument,
    PathwayStatus,
    Placement,
    PlacementEnd,
    PlacementKind,
    Progress,
    ReviewOutcome,
    SchoolLanguage,
    VisitOutcome,
)

C = Compartment


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _values(choices: Any) -> str:
    return ", ".join(choices.values)


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _person(request: Request, person_uuid: str, compartment: Compartment, *, write: bool) -> tuple[Actor, Person]:
    """The person, refused (403) unless the caller reads (or writes) the compartment."""
    actor = _actor(request)
    person, access = get_person_for_user(actor, person_uuid, write=compartment if write else None)
    if not access.can_read(compartment):
        raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
    return actor, person


def _person_ref(request: Request, ref: str | None, *, within: Person) -> Person | None:
    """Another person named by UUID (a carer): one the caller sees, else a 400."""
    if not ref:
        return None
    try:
        other, _access = get_person_for_user(_actor(request), ref, audit_view=False)
    except Http404:
        raise exceptions.ValidationError({"carer": [_("No such person within your reach.")]}) from None
    if other.pk == within.pk:
        raise exceptions.ValidationError({"carer": [_("The carer cannot be the child.")]})
    return other


# --- Serializers (output) ------------------------------------------------------------------


class BestInterestsOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    purpose = serializers.CharField()
    assessed_on = serializers.DateField()
    reference = serializers.CharField()


class PlacementReviewOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    reviewed_on = serializers.DateField()
    outcome = serializers.CharField()
    next_review_on = serializers.DateField()


class PlacementOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    kind = serializers.CharField(help_text=_values(PlacementKind))
    carer = serializers.UUIDField(source="carer.uuid", default=None, allow_null=True)
    carer_relation = serializers.CharField()
    institution_name = serializers.CharField()
    case_conference_reference = serializers.CharField()
    best_interests = BestInterestsOut()
    childs_assent = serializers.CharField()
    started_on = serializers.DateField()
    next_review_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    reviews = PlacementReviewOut(many=True, source="reviews.all")
    version = serializers.IntegerField()


class HomeVisitOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    carer = serializers.UUIDField(source="carer.uuid")
    visited_on = serializers.DateField()
    visitor = serializers.CharField(source="visitor.username")
    outcome = serializers.CharField(help_text=_values(VisitOutcome))


class GuardianshipOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    guardian = serializers.UUIDField(source="guardian.uuid")
    authority = serializers.CharField()
    reference = serializers.CharField()
    issued_on = serializers.DateField()
    next_review_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)


class HearingOut(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    note = serializers.CharField()


class PathwayOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    document_type = serializers.CharField(help_text=_values(PathwayDocument))
    status = serializers.CharField(help_text=_values(PathwayStatus))
    evidence = serializers.SerializerMethodField()
    court = serializers.CharField()
    court_case_number = serializers.CharField()
    court_decision = serializers.CharField(help_text=_values(CourtDecision))
    court_decision_on = serializers.DateField(allow_null=True)
    hearings = HearingOut(many=True, source="hearings.all")
    issuing_authority = serializers.CharField()
    started_on = serializers.DateField()
    applied_on = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    document_number = serializers.CharField()
    registry_document = serializers.UUIDField(source="registry_document.uuid", default=None, allow_null=True)
    lawyer = serializers.CharField(source="lawyer.username", default=None, allow_null=True)
    version = serializers.IntegerField()

    def get_evidence(self, obj: DocumentPathway) -> list[str]:
        return [str(e.uuid) for e in obj.evidence.all()]


class ClaimOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    kind = serializers.CharField(help_text=_values(BenefitKind))
    status = serializers.CharField(help_text=_values(ClaimStatus))
    authority = serializers.CharField()
    reference = serializers.CharField()
    submitted_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class EducationReviewOut(serializers.Serializer[Any]):
    reviewed_on = serializers.DateField()
    attendance = serializers.CharField()
    progress = serializers.CharField()


class EnrolmentOut(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    level = serializers.CharField(help_text=_values(EducationLevel))
    school = serializers.CharField()
    school_language = serializers.CharField(help_text=_values(SchoolLanguage))
    grade = serializers.IntegerField(allow_null=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    catch_up_support = serializers.BooleanField()
    catch_up_note = serializers.CharField()
    support_contact = serializers.CharField()
    reviews = EducationReviewOut(many=True, source="reviews.all")
    version = serializers.IntegerField()


class ReintegrationOut(serializers.Serializer[Any]):
    """Each part is present only for a caller who reads its compartment."""

    placements = PlacementOut(many=True, required=False)
    home_visits = HomeVisitOut(many=True, required=False)
    guardianship_orders = GuardianshipOut(many=True, required=False, source="orders")
    document_pathways = PathwayOut(many=True, required=False, source="pathways")
    benefit_claims = ClaimOut(many=True, required=False, source="claims")
    enrolments = EnrolmentOut(many=True, required=False)


# --- Serializers (input) -------------------------------------------------------------------


class BestInterestsIn(serializers.Serializer[Any]):
    assessed_on = serializers.DateField()
    recommendation = serializers.CharField(allow_blank=True)
    childs_views = serializers.CharField(required=False, allow_blank=True, default="")
    views_not_sought_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class GuardianshipIn(serializers.Serializer[Any]):
    authority = serializers.CharField(allow_blank=True)
    reference = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField()
    next_review_on = serializers.DateField()


class PlacementIn(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=_values(PlacementKind))
    carer = serializers.UUIDField(required=False, allow_null=True, help_text="A relative of the child (person UUID)")
    carer_relation = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    started_on = serializers.DateField()
    next_review_on = serializers.DateField()
    childs_assent = serializers.CharField(help_text=_values(AssentChoice))
    childs_views = serializers.CharField(required=False, allow_blank=True, default="")
    institution_name = serializers.CharField(required=False, allow_blank=True, default="")
    institution_justification = serializers.CharField(required=False, allow_blank=True, default="")
    case_conference_reference = serializers.CharField(required=False, allow_blank=True, default="")
    best_interests = BestInterestsIn(
        required=False, allow_null=True, help_text="Recorded with the placement; else one recorded recently counts"
    )
    guardianship = GuardianshipIn(required=False, allow_null=True)


class HomeVisitIn(serializers.Serializer[Any]):
    carer = serializers.UUIDField()
    visited_on = serializers.DateField()
    outcome = serializers.CharField(help_text=_values(VisitOutcome))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlacementReviewIn(serializers.Serializer[Any]):
    reviewed_on = serializers.DateField()
    outcome = serializers.CharField(help_text=_values(ReviewOutcome))
    next_review_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class PlacementEndIn(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
    reason = serializers.CharField(help_text=_values(PlacementEnd))
    best_interests = BestInterestsIn(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class PathwayIn(serializers.Serializer[Any]):
    document_type = serializers.CharField(help_text=_values(PathwayDocument))
    status = serializers.CharField(required=False, default=PathwayStatus.GATHERING.value)
    started_on = serializers.DateField()
    evidence = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    court = serializers.CharField(required=False, allow_blank=True, default="")
    court_case_number = serializers.CharField(required=False, allow_blank=True, default="")
    issuing_authority = serializers.CharField(required=False, allow_blank=True, default="")


class PathwayPatchIn(serializers.Serializer[Any]):
    """Send only the fields you change, and the version you read."""

    status = serializers.CharField(required=False, help_text=_values(PathwayStatus))
    court = serializers.CharField(required=False, allow_blank=True)
    court_case_number = serializers.CharField(required=False, allow_blank=True)
    court_decision = serializers.CharField(required=False, allow_blank=True, help_text=_values(CourtDecision))
    court_decision_on = serializers.DateField(required=False, allow_null=True)
    issuing_authority = serializers.CharField(required=False, allow_blank=True)
    applied_on = serializers.DateField(required=False, allow_null=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
    document_number = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class HearingIn(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimIn(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=_values(BenefitKind))
    status = serializers.CharField(help_text=_values(ClaimStatus))
    authority = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class ClaimPatchIn(serializers.Serializer[Any]):
    status = serializers.CharField(help_text=_values(ClaimStatus))
    authority = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False)


class EnrolmentIn(serializers.Serializer[Any]):
    level = serializers.CharField(help_text=_values(EducationLevel))
    school = serializers.CharField(allow_blank=True)
    school_language = serializers.CharField(required=False, default="ru", help_text=_values(SchoolLanguage))
    grade = serializers.IntegerField(required=False, allow_null=True, default=None)
    started_on = serializers.DateField()
    support_contact = serializers.CharField(allow_blank=True)
    catch_up_support = serializers.BooleanField(required=False, default=False)
    catch_up_note = serializers.CharField(required=False, allow_blank=True, default="")


class EducationReviewIn(serializers.Serializer[Any]):
    reviewed_on = serializers.DateField()
    attendance = serializers.CharField(help_text=_values(Attendance))
    progress = serializers.CharField(help_text=_values(Progress))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def _best_interests(data: dict[str, Any] | None) -> services.BestInterestsInput | None:
    return services.BestInterestsInput(**data) if data else None


def _placements(person: Person) -> Any:
    return (
        Placement.objects.filter(person=person)
        .select_related("person", "carer", "best_interests")
        .prefetch_related("reviews")
    )


def _pathways(person: Person) -> Any:
    return (
        DocumentPathway.objects.filter(person=person)
        .select_related("person", "registry_document", "lawyer")
        .prefetch_related("hearings", "evidence")
    )


# --- Person sub-resources ------------------------------------------------------------------


class PersonReintegration(APIView):
    """The API twin of the person's "Reintegration" tab."""

    @extend_schema(summary="A person's placement, documents and education", responses={200: ReintegrationOut})
    def get(self, request: Request, person_uuid: str) -> Response:
        person, access = get_person_for_user(_actor(request), person_uuid)
        if not access.can_read(C.FAMILY):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        return Response(ReintegrationOut(selectors.reintegration_of(person, access)).data)


class PersonPlacements(APIView):
    @extend_schema(summary="A child's placements", responses={200: PlacementOut(many=True)})
    def get(self, request: Request, person_uuid: str) -> Response:
        _actor_, person = _person(request, person_uuid, C.FAMILY, write=False)
        return Response(PlacementOut(_placements(person), many=True).data)

    @extend_schema(
        summary="Place a child (or change the placement): needs a best-interests assessment",
        request=PlacementIn,
        responses={201: PlacementOut},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor, person = _person(request, person_uuid, C.FAMILY, write=True)
        data = _valid(PlacementIn, request.data)
        order = data.pop("guardianship", None)
        bia = data.pop("best_interests", None)
        data["carer"] = _person_ref(request, data.get("carer") and str(data["carer"]), within=person)
        placement = services.placement_create(
            actor=actor,
            person=person,
            data=services.PlacementInput(**data),
            best_interests=_best_interests(bia),
            guardianship=services.GuardianshipInput(**order) if order else None,
        )
        return Response(PlacementOut(_placements(person).get(pk=placement.pk)).data, status=status.HTTP_201_CREATED)


class PersonHomeVisits(APIView):
    @extend_schema(summary="Home-visit assessments for a child", responses={200: HomeVisitOut(many=True)})
    def get(self, request: Request, person_uuid: str) -> Response:
        _actor_, person = _person(request, person_uuid, C.FAMILY, write=False)
        visits = HomeVisit.objects.filter(person=person).select_related("carer", "visitor")
        return Response(HomeVisitOut(visits, many=True).data)

    @extend_schema(summary="Record a home visit", request=HomeVisitIn, responses={201: HomeVisitOut})
    def post(self, request: Request, person_uuid: str) -> Response:
        actor, person = _person(request, person_uuid, C.FAMILY, write=True)
        data = _valid(HomeVisitIn, request.data)
        carer = _person_ref(request, str(data.pop("carer")), within=person)
        assert carer is not None
        visit = services.home_visit_record(actor=actor, person=person, carer=carer, **data)
        return Response(HomeVisitOut(visit).data, status=status.HTTP_201_CREATED)


class PersonPathways(APIView):
    @extend_schema(summary="A person's civil document pathways", responses={200: PathwayOut(many=True)})
    def get(self, request: Request, person_uuid: str) -> Response:
        _actor_, person = _person(request, person_uuid, C.DOCUMENTS, write=False)
        return Response(PathwayOut(_pathways(person), many=True).data)

    @extend_schema(summary="Open a document pathway", request=PathwayIn, responses={201: PathwayOut})
    def post(self, request: Request, person_uuid: str) -> Response:
        actor, person = _person(request, person_uuid, C.DOCUMENTS, write=True)
        data = _valid(PathwayIn, request.data)
        refs = data.pop("evidence")
        evidence = list(IdentityEvidence.objects.filter(person=person, uuid__in=refs))
        if len(evidence) != len(set(refs)):
            raise exceptions.ValidationError({"evidence": [_("Choose evidence recorded for this person.")]})
        pathway = services.pathway_create(actor=actor, person=person, evidence=evidence, **data)
        return Response(PathwayOut(_pathways(person).get(pk=pathway.pk)).data, status=status.HTTP_201_CREATED)


class PersonClaims(APIView):
    @extend_schema(summary="A person's benefit claims", responses={200: ClaimOut(many=True)})
    def get(self, request: Request, person_uuid: str) -> Response:
        _actor_, person = _person(request, person_uuid, C.DOCUMENTS, write=False)
        return Response(ClaimOut(BenefitClaim.objects.filter(person=person), many=True).data)

    @extend_schema(summary="Record a benefit claim", request=ClaimIn, responses={201: ClaimOut})
    def post(self, request: Request, person_uuid: str) -> Response:
        actor, person = _person(request, person_uuid, C.DOCUMENTS, write=True)
        claim = services.benefit_claim_create(actor=actor, person=person, **_valid(ClaimIn, request.data))
        return Response(ClaimOut(claim).data, status=status.HTTP_201_CREATED)


class PersonEnrolments(APIView):
    @extend_schema(summary="A child's school and kindergarten enrolments", responses={200: EnrolmentOut(many=True)})
    def get(self, request: Request, person_uuid: str) -> Response:
        _actor_, person = _person(request, person_uuid, C.CONTACT_LOCATION, write=False)
        qs = Enrolment.objects.filter(person=person).prefetch_related("reviews")
        return Response(EnrolmentOut(qs, many=True).data)

    @extend_schema(summary="Enrol a child (a change of school ends the current enrolment)", request=EnrolmentIn,
                   responses={201: EnrolmentOut})  # fmt: skip
    def post(self, request: Request, person_uuid: str) -> Response:
        actor, person = _person(request, person_uuid, C.CONTACT_LOCATION, write=True)
        data = services.EnrolmentInput(**_valid(EnrolmentIn, request.data))
        enrolment = services.enrolment_create(actor=actor, person=person, data=data)
        return Response(EnrolmentOut(enrolment).data, status=status.HTTP_201_CREATED)


# --- Records by their own UUID ----------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The version you read, as "<version>" (or send "version" in the body).',
)


class PlacementReview(APIView):
    @extend_schema(summary="Review a placement (sets the next review)", request=PlacementReviewIn,
                   parameters=[IF_MATCH], responses={201: PlacementOut})  # fmt: skip
    def post(self, request: Request, placement_uuid: str) -> Response:
        actor = _actor(request)
        placement, person, _access = selectors.get_record_for_user(actor, Placement, placement_uuid, write=True)
        version = expected_version(request)
        data = _valid(PlacementReviewIn, request.data)
        data.pop("version", None)
        services.placement_review_record(actor=actor, placement=placement, expected_version=version, **data)
        return Response(PlacementOut(_placements(person).get(pk=placement.pk)).data, status=status.HTTP_201_CREATED)


class PlacementEndView(APIView):
    @extend_schema(summary="End a placement (separation needs a best-interests assessment)", request=PlacementEndIn,
                   parameters=[IF_MATCH], responses={200: PlacementOut})  # fmt: skip
    def post(self, request: Request, placement_uuid: str) -> Response:
        actor = _actor(request)
        placement, person, _access = selectors.get_record_for_user(actor, Placement, placement_uuid, write=True)
        version = expected_version(request)
        data = _valid(PlacementEndIn, request.data)
        services.placement_end(
            actor=actor,
            placement=placement,
            ended_on=data["ended_on"],
            reason=data["reason"],
            expected_version=version,
            best_interests=_best_interests(data.get("best_interests")),
        )
        return Response(PlacementOut(_placements(person).get(pk=placement.pk)).data)


class PlacementsDue(APIView):
    @extend_schema(
        summary="Open placements whose review is overdue or due within two weeks",
        parameters=[OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Overdue reviews only")],
        responses={200: PlacementOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        selectors.require_reads(actor, C.FAMILY, Placement)
        qs = selectors.placements_due(actor, overdue_only=query_flag(request, "overdue"))
        rows = list(qs.select_related("best_interests").prefetch_related("reviews")[:500])
        selectors.audit_list(actor, Placement, len(rows), "placements due for review")
        return Response(PlacementOut(rows, many=True).data)


class PathwayDetail(APIView):
    @extend_schema(summary="A document pathway", responses={200: PathwayOut})
    def get(self, request: Request, pathway_uuid: str) -> Response:
        pathway, person, _access = selectors.get_record_for_user(_actor(request), DocumentPathway, pathway_uuid)
        return Response(PathwayOut(_pathways(person).get(pk=pathway.pk)).data)

    @extend_schema(summary="Move a pathway on; issued, it updates the registry's document", request=PathwayPatchIn,
                   parameters=[IF_MATCH], responses={200: PathwayOut})  # fmt: skip
    def patch(self, request: Request, pathway_uuid: str) -> Response:
        actor = _actor(request)
        pathway, person, _access = selectors.get_record_for_user(actor, DocumentPathway, pathway_uuid, write=True)
        version = expected_version(request)
        data = _valid(PathwayPatchIn, request.data)
        data.pop("version", None)
        services.pathway_update(actor=actor, pathway=pathway, expected_version=version, **data)
        return Response(PathwayOut(_pathways(person).get(pk=pathway.pk)).data)


class PathwayHearings(APIView):
    @extend_schema(summary="Add a court hearing", request=HearingIn, responses={201: PathwayOut})
    def post(self, request: Request, pathway_uuid: str) -> Response:
        actor = _actor(request)
        pathway, person, _access = selectors.get_record_for_user(actor, DocumentPathway, pathway_uuid, write=True)
        services.hearing_add(actor=actor, pathway=pathway, **_valid(HearingIn, request.data))
        return Response(PathwayOut(_pathways(person).get(pk=pathway.pk)).data, status=status.HTTP_201_CREATED)


class Caseload(APIView):
    @extend_schema(
        summary="Open document pathways (a lawyer's caseload)",
        parameters=[OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only those I am the lawyer of")],
        responses={200: PathwayOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        selectors.require_reads(actor, C.DOCUMENTS, DocumentPathway)
        qs = selectors.pathways_waiting(actor, mine_only=query_flag(request, "mine"))
        rows = list(qs.select_related("registry_document").prefetch_related("hearings", "evidence")[:500])
        selectors.audit_list(actor, DocumentPathway, len(rows), "document pathways waiting")
        return Response(PathwayOut(rows, many=True).data)


class ClaimDetail(APIView):
    @extend_schema(summary="Update a benefit claim", request=ClaimPatchIn, parameters=[IF_MATCH],
                   responses={200: ClaimOut})  # fmt: skip
    def patch(self, request: Request, claim_uuid: str) -> Response:
        actor = _actor(request)
        claim, _person_, _access = selectors.get_record_for_user(actor, BenefitClaim, claim_uuid, write=True)
        version = expected_version(request)
        data = _valid(ClaimPatchIn, request.data)
        data.pop("version", None)
        services.benefit_claim_update(actor=actor, claim=claim, expected_version=version, **data)
        return Response(ClaimOut(claim).data)


class EnrolmentReviews(APIView):
    @extend_schema(summary="Record an attendance and progress review", request=EducationReviewIn,
                   responses={201: EnrolmentOut})  # fmt: skip
    def post(self, request: Request, enrolment_uuid: str) -> Response:
        actor = _actor(request)
        enrolment, _person_, _access = selectors.get_record_for_user(actor, Enrolment, enrolment_uuid, write=True)
        services.education_review_record(actor=actor, enrolment=enrolment, **_valid(EducationReviewIn, request.data))
        fresh = Enrolment.objects.prefetch_related("reviews").get(pk=enrolment.pk)
        return Response(EnrolmentOut(fresh).data, status=status.HTTP_201_CREATED)


class SchoolLetter(APIView):
    @extend_schema(
        summary="The letter to the school (PDF, in the school's language)",
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The letter"),
            409: OpenApiResponse(description="The letter would contain a forbidden word; none is produced."),
        },
    )
    def get(self, request: Request, enrolment_uuid: str) -> HttpResponse:
        actor = _actor(request)
        enrolment, person, _access = selectors.get_record_for_user(actor, Enrolment, enrolment_uuid)
        try:
            letter = letters.school_letter(enrolment)
            data = letters.letter_pdf(letter, title=_("Letter to the school"))
        except letters.LetterRefusedError:
            return Response(
                {"detail": _("The letter would reveal the child's background; it was not produced.")},
                status=status.HTTP_409_CONFLICT,
            )
        record(actor, Action.EXPORT, object_type=ObjectType.SCHOOL_LETTER, object_ref=enrolment.uuid,
               person_ref=person.uuid, detail={"language": letter.language})  # fmt: skip
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = (
            content_disposition_header(True, f"school-letter-{person.case_number}.pdf") or ""
        )
        return response
