"""Discharge: a date within the stay, a destination and a summary; a child's
discharge only with a best-interests assessment; the stage follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.registry.models import BestInterestsAssessment, Stage
from zhusan.rehabilitation import selectors, services
from zhusan.rehabilitation.models import Admission, Destination

from .conftest import act, admit, days_ago

pytestmark = pytest.mark.django_db


def discharge(user, admission, **overrides):
    values = {
        "discharged_on": days_ago(1),
        "destination": Destination.RELATIVES,
        "summary": "Settled; goes to her parents in Shymkent.",
        "expected_version": admission.version,
    }
    values.update(overrides)
    return services.admission_discharge(actor=act(user), admission=admission, **values)


def test_it_discharges_an_adult_to_her_relatives_and_moves_her_stage(
    case_manager, centre, womens_room, mother, female_psychologist
):
    [admission] = admit(case_manager, centre, (mother, womens_room))
    services.key_worker_assign(
        actor=act(case_manager),
        person=mother,
        user=female_psychologist,
        discipline="psychologist",
        started_on=days_ago(9),
    )
    discharge(case_manager, admission)
    admission.refresh_from_db()
    mother.refresh_from_db()
    assert mother.stage == Stage.REINTEGRATING
    assert admission.length_of_stay() == 9
    assert selectors.current_admission(mother) is None
    assert selectors.latest_discharge(mother) == admission
    assert selectors.key_workers(mother) == []
    event = AuditEvent.objects.filter(object_type=ObjectType.ADMISSION, action="update").latest("seq")
    assert event.changes["summary"]["encrypted"] is True


def test_discharge_to_custody_moves_the_stage_to_custody(case_manager, centre, womens_room, mother):
    [admission] = admit(case_manager, centre, (mother, womens_room))
    discharge(case_manager, admission, destination=Destination.CUSTODY)
    mother.refresh_from_db()
    assert mother.stage == Stage.IN_CUSTODY


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"discharged_on": days_ago(20)}, "discharged_on", "before the admission"),
        ({"discharged_on": days_ago(-1)}, "discharged_on", "future"),
        ({"destination": "moon"}, "destination", "Choose where"),
        ({"summary": "  "}, "summary", "summary"),
    ],
)
def test_bad_discharge_input_is_refused_and_writes_nothing(
    case_manager, centre, womens_room, mother, overrides, field, words
):
    [admission] = admit(case_manager, centre, (mother, womens_room))
    with pytest.raises(ValidationError) as exc:
        discharge(case_manager, admission, **overrides)
    assert words in exc.value.message_dict[field][0]
    admission.refresh_from_db()
    mother.refresh_from_db()
    assert admission.discharged_on is None and mother.stage == Stage.IN_REHABILITATION


def test_a_childs_discharge_needs_a_best_interests_assessment(
    case_manager, centre, womens_room, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    with pytest.raises(ValidationError) as exc:
        discharge(case_manager, admission)
    assert "best-interests assessment" in str(exc.value)
    assert Admission.objects.get(pk=admission.pk).discharged_on is None


def test_the_discharge_form_records_the_assessment_with_the_childs_views(
    case_manager, centre, womens_room, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    discharge(
        case_manager,
        admission,
        best_interests=services.BestInterestsInput(
            assessed_on=days_ago(2),
            recommendation="Return with his mother to the grandparents' home.",
            childs_views="He wants to live with his grandmother and go to school.",
        ),
    )
    admission.refresh_from_db()
    assert admission.discharge_assessment.purpose == "discharge"
    older_child.refresh_from_db()
    assert older_child.stage == Stage.REINTEGRATING


def test_the_gate_asks_for_the_childs_views_where_age_allows(
    case_manager, centre, womens_room, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    with pytest.raises(ValidationError) as exc:
        discharge(
            case_manager,
            admission,
            best_interests=services.BestInterestsInput(assessed_on=days_ago(2), recommendation="Home."),
        )
    assert "childs_views" in exc.value.message_dict
    assert not BestInterestsAssessment.objects.exists()
    assert Admission.objects.get(pk=admission.pk).discharged_on is None


def test_a_child_is_never_discharged_to_custody(case_manager, centre, womens_room, single_room, mother, older_child):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    with pytest.raises(ValidationError) as exc:
        discharge(case_manager, admission, destination=Destination.CUSTODY)
    assert "age of criminal responsibility" in exc.value.message_dict["destination"][0]
