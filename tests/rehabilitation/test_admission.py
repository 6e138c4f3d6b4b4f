"""Admission: an arrived person to a room with a free bed; a mother and her
young children together unless a best-interests decision separates them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhusan.audit.models import AuditEvent, ObjectType
from zhusan.registry.models import BestInterestsAssessment, Stage
from zhusan.rehabilitation import selectors, services
from zhusan.rehabilitation.models import Admission, FamilySeparation

from .conftest import act, admit, days_ago, returnee

pytestmark = pytest.mark.django_db


def test_it_admits_an_arrived_person_and_moves_her_stage(case_manager, centre, womens_room, mother):
    [admission] = admit(case_manager, centre, (mother, womens_room), prefers_female=True)
    mother.refresh_from_db()
    assert mother.stage == Stage.IN_REHABILITATION
    assert selectors.current_admission(mother) == admission
    assert selectors.prefers_female_professional(mother) is True
    assert admission.length_of_stay() == 10
    assert AuditEvent.objects.filter(object_type=ObjectType.ADMISSION, object_ref=str(admission.uuid)).exists()


def test_it_refuses_a_person_who_has_not_arrived(case_manager, registrar, centre, womens_room):
    abroad = returnee(registrar, given="Saule", stage=Stage.CLEARED)
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (abroad, womens_room))
    assert "only a person who has arrived" in str(exc.value)
    assert not Admission.objects.exists()


def test_it_refuses_a_bed_in_a_full_room(case_manager, registrar, centre, single_room):
    first = returnee(registrar, given="Saule")
    second = returnee(registrar, given="Gulnara")
    admit(case_manager, centre, (first, single_room))
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (second, single_room))
    assert "is full" in exc.value.message_dict["room"][0]
    second.refresh_from_db()
    assert second.stage == Stage.REPATRIATED
    assert Admission.objects.count() == 1


def test_it_refuses_an_admission_date_in_the_future(case_manager, centre, womens_room, mother):
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (mother, womens_room), on=days_ago(-1))
    assert "future" in exc.value.message_dict["admitted_on"][0]


def test_it_admits_a_mother_and_her_toddler_together_in_a_family_room(
    case_manager, centre, family_room, mother, toddler
):
    admissions = admit(case_manager, centre, (mother, family_room), (toddler, family_room))
    assert {a.person for a in admissions} == {mother, toddler}
    toddler.refresh_from_db()
    assert toddler.stage == Stage.IN_REHABILITATION


def test_it_refuses_the_mother_without_her_toddler(case_manager, centre, family_room, mother, toddler):
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (mother, family_room))
    assert "Amina" in str(exc.value) and "not admitted with them" in str(exc.value)
    assert not Admission.objects.exists()


def test_it_refuses_the_toddler_in_another_room_than_her_mother(
    case_manager, admin_user, centre, family_room, mother, toddler
):
    other = services.room_create(
        actor=act(admin_user), centre=centre, name="Second family room", beds=2, mothers_with_young_children=True
    )
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (mother, family_room), (toddler, other))
    assert "stays in the room of" in str(exc.value)


def test_it_refuses_a_toddler_in_a_room_not_for_mothers_with_young_children(
    case_manager, centre, womens_room, mother, toddler
):
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (mother, womens_room), (toddler, womens_room))
    assert "room for mothers with young children" in exc.value.message_dict["room"][0]


def test_an_older_child_may_have_a_room_of_their_own(
    case_manager, centre, womens_room, single_room, mother, older_child
):
    admit(case_manager, centre, (mother, womens_room))
    [admission] = admit(case_manager, centre, (older_child, single_room))
    assert admission.room == single_room


def test_a_recorded_separation_decision_admits_the_mother_alone(case_manager, centre, womens_room, mother, toddler):
    separation = services.SeparationInput(
        child=toddler,
        carer=mother,
        justification="The child is in hospital care for six weeks; she joins her mother after.",
        assessed_on=days_ago(10),
        recommendation="Stay in hospital, then join the mother in the family room.",
    )
    [admission] = admit(case_manager, centre, (mother, womens_room), separations=[separation])
    decision = FamilySeparation.objects.get()
    assert decision.admission == admission and decision.child == toddler
    assert decision.assessment.purpose == "separation"
    event = AuditEvent.objects.get(object_type=ObjectType.FAMILY_SEPARATION)
    assert event.changes["justification"]["encrypted"] is True


def test_a_separation_without_justification_writes_nothing(case_manager, centre, womens_room, mother, toddler):
    separation = services.SeparationInput(
        child=toddler, carer=mother, justification=" ", assessed_on=days_ago(10), recommendation="Hospital first."
    )
    with pytest.raises(ValidationError) as exc:
        admit(case_manager, centre, (mother, womens_room), separations=[separation])
    assert "justification" in exc.value.message_dict
    assert not Admission.objects.exists()
    assert not BestInterestsAssessment.objects.exists()


def test_a_psychologist_cannot_admit(bob_in_home, centre, womens_room, mother):
    with pytest.raises(PermissionDenied):
        admit(bob_in_home, centre, (mother, womens_room))


def test_a_room_change_moves_the_mother_with_her_toddler(
    case_manager, admin_user, centre, family_room, mother, toddler
):
    other = services.room_create(
        actor=act(admin_user), centre=centre, name="Quiet family room", beds=2, mothers_with_young_children=True
    )
    mine, child = admit(case_manager, centre, (mother, family_room), (toddler, family_room))
    services.room_change(
        actor=act(case_manager), admission=mine, room=other, moved_on=days_ago(2), expected_version=mine.version
    )
    child.refresh_from_db()
    assert child.room == other


def test_a_room_change_refuses_a_full_room(case_manager, registrar, centre, womens_room, single_room, mother):
    other = returnee(registrar, given="Saule")
    admit(case_manager, centre, (other, single_room))
    [mine] = admit(case_manager, centre, (mother, womens_room))
    with pytest.raises(ValidationError) as exc:
        services.room_change(
            actor=act(case_manager),
            admission=mine,
            room=single_room,
            moved_on=days_ago(1),
            expected_version=mine.version,
        )
    assert "is full" in exc.value.message_dict["room"][0]
