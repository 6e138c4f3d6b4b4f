"""/api/v1/reintegration/support/ and the person's ``support/`` sub-resources:
the same selectors (scope, compartments, audit) and services (consent gate,
audit) as the pages. Bad input answers 400 with field errors and writes
nothing; answering a referral needs the version read (409 if stale)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhusan.accounts.models import Organisation, Unit
from zhusan.audit.services import Actor
from zhusan.core.api import expected_version
from zhusan.registry.selectors import get_person_for_user

from . import selectors, services
from .models import (
    SUPPORT_COMPARTMENT,
    CaseTransfer,
    ContractKind,
    Employment,
    Housing,
    HousingKind,
    IncomeSupport,
    IncomeSupportKind,
    Referral,
    ReferralKind,
    VocationalCourse,
)

PAGE_SIZE = 100
WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input, or no consent and no override reason; nothing written."),
    403: OpenApiResponse(description="Your role may not do this (the refusal is audited)."),
    404: OpenApiResponse(description="No such record."),
}


def _actor(request: Request) -> Actor:
    return Actor.from_request(request._request or request, via="api")


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Serializers ----------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer[VocationalCourse]):
    class Meta:
        model = VocationalCourse
        fields = ["uuid", "provider", "course", "started_on", "ended_on", "completed"]


class EmploymentSerializer(serializers.ModelSerializer[Employment]):
    class Meta:
        model = Employment
        fields = ["uuid", "employer_name", "employer_contact", "sector", "contract_kind", "started_on", "ended_on"]


class IncomeSupportSerializer(serializers.ModelSerializer[IncomeSupport]):
    class Meta:
        model = IncomeSupport
        fields = ["uuid", "kind", "amount", "started_on", "ended_on"]


class HousingSerializer(serializers.ModelSerializer[Housing]):
    class Meta:
        model = Housing
        fields = ["uuid", "kind", "address", "started_on", "ended_on"]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    organisation = serializers.UUIDField(source="organisation.uuid", read_only=True, default=None, allow_null=True)
    receiver = serializers.CharField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "uuid", "person", "case_number", "kind", "organisation", "service", "receiver", "reason",
            "consent_purpose", "consent_on_file", "status", "sent_on", "due_on", "responded_on",
            "decline_reason", "completed_on", "feedback", "version",
        ]  # fmt: skip


class TransferSerializer(serializers.ModelSerializer[CaseTransfer]):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True)
    from_unit = serializers.UUIDField(source="from_unit.uuid", read_only=True)
    to_unit = serializers.UUIDField(source="to_unit.uuid", read_only=True)

    class Meta:
        model = CaseTransfer
        fields = [
            "uuid", "person", "case_number", "from_unit", "to_unit", "reason", "consent_purpose", "consent_on_file",
            "status", "requested_on", "due_on", "responded_on", "decline_reason", "handed_over_on", "version",
        ]  # fmt: skip


class SupportSerializer(serializers.Serializer[Any]):
    courses = CourseSerializer(many=True)
    employments = EmploymentSerializer(many=True)
    income_support = IncomeSupportSerializer(many=True)
    housing = HousingSerializer(many=True)
    referrals = ReferralSerializer(many=True)


class CourseInput(serializers.Serializer[Any]):
    provider = serializers.CharField(max_length=200)
    course = serializers.CharField(max_length=200)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    completed = serializers.BooleanField(required=False, default=False)


class EmploymentInput(serializers.Serializer[Any]):
    employer_name = serializers.CharField(max_length=200)
    employer_contact = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    sector = serializers.CharField(max_length=100)
    contract_kind = serializers.ChoiceField(choices=ContractKind.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class IncomeSupportInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=IncomeSupportKind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class HousingInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=HousingKind.choices)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    started_on = serializers.DateField()


class ReferralInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    organisation = serializers.UUIDField(required=False, allow_null=True, default=None)
    service = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralAnswerInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["accept", "decline", "complete"])
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Reason for declining, or feedback"
    )
    version = serializers.IntegerField(required=False)


class TransferInput(serializers.Serializer[Any]):
    to_unit = serializers.UUIDField()
    reason = serializers.CharField()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferAnswerInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["accept", "decline", "hand_over"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


def _shown(data: dict[str, Any], reads_contact: bool, fields: tuple[str, ...]) -> dict[str, Any]:
    """Contact-and-location fields blanked for a reader of the family
    compartment who does not read contact data."""
    if not reads_contact:
        for name in fields:
            if name in data:
                data[name] = None
    return data


# --- The person's sub-resources --------------------------------------------------------------


class PersonSupport(APIView):
    """The API twin of the person's "Support" tab."""

    @extend_schema(
        summary="A person's livelihood, housing and referrals",
        responses={200: SupportSerializer, 403: OpenApiResponse(description="Not allowed")},
    )
    def get(self, request: Request, person_uuid: str) -> Response:
        person, access = get_person_for_user(_actor(request), person_uuid)
        if not access.can_read(SUPPORT_COMPARTMENT):
            raise exceptions.PermissionDenied(_("Your role does not give access to this part of the record."))
        data = selectors.support_of(person, access)
        contact = bool(data["shows_contact"])
        return Response(
            {
                "courses": CourseSerializer(data["courses"], many=True).data,
                "employments": [
                    _shown(dict(e), contact, ("employer_name", "employer_contact"))
                    for e in EmploymentSerializer(data["employments"], many=True).data
                ],
                "income_support": IncomeSupportSerializer(data["income_support"], many=True).data,
                "housing": [
                    _shown(dict(h), contact, ("address",)) for h in HousingSerializer(data["housing"], many=True).data
                ],
                "referrals": ReferralSerializer(data["referrals"], many=True).data,
            }
        )


def _person_create(
    request: Request, person_uuid: str, input_class: type[serializers.Serializer[Any]], write: Any, out: Any
) -> Response:
    actor = _actor(request)
    person, _access = get_person_for_user(actor, person_uuid, write=SUPPORT_COMPARTMENT)
    data = _valid(input_class, request.data)
    obj = write(actor=actor, person=person, **data)
    return Response(out(obj).data, status=status.HTTP_201_CREATED)


class PersonCourses(APIView):
    @extend_schema(
        summary="Record a vocational course", request=CourseInput, responses={201: CourseSerializer, **WRITE_ERRORS}
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        return _person_create(request, person_uuid, CourseInput, services.course_add, CourseSerializer)


class PersonEmployment(APIView):
    @extend_schema(
        summary="Record employment (the employer is contact data)",
        request=EmploymentInput,
        responses={201: EmploymentSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        return _person_create(request, person_uuid, EmploymentInput, services.employment_add, EmploymentSerializer)


class PersonIncomeSupport(APIView):
    @extend_schema(
        summary="Record income support",
        request=IncomeSupportInput,
        responses={201: IncomeSupportSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        return _person_create(
            request, person_uuid, IncomeSupportInput, services.income_support_add, IncomeSupportSerializer
        )


class PersonHousing(APIView):
    @extend_schema(
        summary="Record a housing situation (the current one ends)",
        request=HousingInput,
        responses={201: HousingSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        return _person_create(request, person_uuid, HousingInput, services.housing_record, HousingSerializer)


class PersonReferrals(APIView):
    @extend_schema(
        summary="Refer the person to an agency or a service (consent checked)",
        request=ReferralInput,
        responses={201: ReferralSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid, audit_view=False)
        if not selectors.may_refer(request.user, person, access):
            raise exceptions.PermissionDenied(_("Your role does not refer this person."))
        data = _valid(ReferralInput, request.data)
        ref = data.pop("organisation")
        organisation = None
        if ref is not None:
            organisation = Organisation.objects.filter(uuid=ref).first()
            if organisation is None:
                raise exceptions.ValidationError({"organisation": [_("No such organisation.")]})
        referral = services.referral_send(actor=actor, person=person, organisation=organisation, **data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class PersonTransfers(APIView):
    @extend_schema(
        summary="Ask another organisation's unit to take over the case (consent checked)",
        request=TransferInput,
        responses={201: TransferSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_uuid: str) -> Response:
        actor = _actor(request)
        person, access = get_person_for_user(actor, person_uuid, audit_view=False)
        if not selectors.may_transfer(request.user, access):
            raise exceptions.PermissionDenied(_("Your role does not transfer this case."))
        data = _valid(TransferInput, request.data)
        unit = Unit.objects.select_related("organisation").filter(uuid=data.pop("to_unit")).first()
        if unit is None:
            raise exceptions.ValidationError({"to_unit": [_("No such unit.")]})
        transfer = services.transfer_request(actor=actor, person=person, to_unit=unit, **data)
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


# --- Referral lists and answers --------------------------------------------------------------


def _paged(request: Request, qs: Any) -> Response:
    if not selectors.reads_referrals(request.user):
        raise exceptions.PermissionDenied(_("Your role does not work with referrals."))
    page = Paginator(qs, PAGE_SIZE).get_page(request.query_params.get("page"))
    return Response(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": ReferralSerializer(list(page.object_list), many=True).data,
        }
    )


class ReferralPage(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ReferralSerializer(many=True)


class ReferralsSent(APIView):
    @extend_schema(
        summary="Referrals of the persons in your care",
        operation_id="v1_reintegration_support_referrals_list",
        responses={200: ReferralPage},
    )
    def get(self, request: Request) -> Response:
        return _paged(request, selectors.referrals_sent(request.user))


class ReferralsReceived(APIView):
    @extend_schema(summary="Referrals to your organisation", responses={200: ReferralPage})
    def get(self, request: Request) -> Response:
        return _paged(request, selectors.referrals_received(request.user))


class ReferralsOverdue(APIView):
    @extend_schema(summary="Referrals waiting past their answer date", responses={200: ReferralPage})
    def get(self, request: Request) -> Response:
        return _paged(request, selectors.overdue(request.user))


class ReferralDetail(APIView):
    @extend_schema(
        summary="One referral",
        responses={200: ReferralSerializer, 404: OpenApiResponse(description="No such referral")},
    )
    def get(self, request: Request, referral_uuid: str) -> Response:
        view = selectors.get_referral_for_user(_actor(request), referral_uuid)
        return Response(ReferralSerializer(view.referral).data, headers={"ETag": f'"{view.referral.version}"'})


class ReferralAnswer(APIView):
    @extend_schema(
        summary="Accept, decline with a reason, or complete with feedback (the receiving organisation)",
        request=ReferralAnswerInput,
        responses={200: ReferralSerializer, **WRITE_ERRORS, 409: OpenApiResponse(description="Changed since read")},
    )
    def post(self, request: Request, referral_uuid: str) -> Response:
        actor = _actor(request)
        view = selectors.get_referral_for_user(actor, referral_uuid)
        data = _valid(ReferralAnswerInput, request.data)
        version = expected_version(request)
        referral = view.referral
        if data["decision"] == "accept":
            services.referral_accept(actor=actor, referral=referral, expected_version=version)
        elif data["decision"] == "decline":
            services.referral_decline(actor=actor, referral=referral, reason=data["text"], expected_version=version)
        else:
            services.referral_complete(actor=actor, referral=referral, feedback=data["text"], expected_version=version)
        return Response(ReferralSerializer(referral).data, headers={"ETag": f'"{referral.version}"'})


class TransferDetail(APIView):
    @extend_schema(
        summary="One transfer",
        responses={200: TransferSerializer, 404: OpenApiResponse(description="No such transfer")},
    )
    def get(self, request: Request, transfer_uuid: str) -> Response:
        transfer = selectors.get_transfer_for_user(_actor(request), transfer_uuid)
        return Response(TransferSerializer(transfer).data, headers={"ETag": f'"{transfer.version}"'})


class TransferAnswer(APIView):
    @extend_schema(
        summary="Accept or decline (the receiving organisation), or hand over an accepted transfer",
        request=TransferAnswerInput,
        responses={200: TransferSerializer, **WRITE_ERRORS, 409: OpenApiResponse(description="Changed since read")},
    )
    def post(self, request: Request, transfer_uuid: str) -> Response:
        actor = _actor(request)
        transfer = selectors.get_transfer_for_user(actor, transfer_uuid)
        data = _valid(TransferAnswerInput, request.data)
        version = expected_version(request)
        if data["decision"] == "hand_over":
            services.transfer_hand_over(actor=actor, transfer=transfer, expected_version=version)
        else:
            services.transfer_answer(
                actor=actor,
                transfer=transfer,
                accept=data["decision"] == "accept",
                reason=data["reason"],
                expected_version=version,
            )
        return Response(TransferSerializer(transfer).data, headers={"ETag": f'"{transfer.version}"'})
