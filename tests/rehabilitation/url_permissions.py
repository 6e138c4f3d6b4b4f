"""Who may open each rehabilitation URL on an object in their scope (the
probe: ``tests/access/test_every_url.py``).

Centres, their occupancy board (names only to readers of location) and the
caseload counts are open to every role that works with persons. Admitting
and discharging move the stage and write where the person lives (case
manager, consular officer, social worker); moving rooms and assigning key
workers also to a programme manager (who approves care). A person's stays
are read with their identity, unless the repatriation history is masked (a
teacher). One member of staff's caseload: themselves, their supervisor,
holders of ``APPROVE_CARE`` or ``SUPERVISE``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhusan.accounts.permissions import Role
from zhusan.audit.services import Actor
from zhusan.registry import services as registry
from zhusan.registry.models import Stage
from zhusan.rehabilitation import services

from ..factories import make_staff

R = Role
ALL = frozenset(Role)
CENTRES = frozenset(
    {
        R.PROGRAMME_MANAGER,
        R.CASE_MANAGER,
        R.CONSULAR_OFFICER,
        R.PSYCHOLOGIST,
        R.THEOLOGIAN,
        R.SOCIAL_WORKER,
        R.DOCTOR,
        R.TEACHER,
        R.LAWYER,
        R.SECURITY_LIAISON,
    }
)
READ = CENTRES - {R.TEACHER}
ADMIT = frozenset({R.CASE_MANAGER, R.CONSULAR_OFFICER, R.SOCIAL_WORKER})
MANAGE = ADMIT | {R.PROGRAMME_MANAGER}
CASELOAD = frozenset({R.PROGRAMME_MANAGER, R.CASE_MANAGER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "rehabilitation:centre_list": CENTRES,
    "rehabilitation:centre_detail": CENTRES,
    "rehabilitation:admit": ADMIT,
    "rehabilitation:discipline_caseloads": CENTRES,
    "rehabilitation:room_change": MANAGE,
    "rehabilitation:discharge": ADMIT,
    "rehabilitation:caseload": CASELOAD,
    "rehabilitation:my_caseload": ALL,
    "rehabilitation:person_rehabilitation": READ,
    "rehabilitation:key_worker_assign": MANAGE,
    "api-centre-list": CENTRES,
    "api-centre-detail": CENTRES,
    "api-centre-occupancy": CENTRES,
    "api-centre-admissions": ADMIT,
    "api-centre-caseloads": CENTRES,
    "api-admission-detail": READ,
    "api-admission-room": MANAGE,
    "api-admission-discharge": ADMIT,
    "api-person-key-workers": MANAGE,
    "api-staff-caseload": CASELOAD,
    "api-person-rehabilitation": READ,
}


def objects(world: dict[str, Any]) -> dict[str, str]:
    """The centre Akniet with a room, a psychologist on its roster, and the
    admission of the child ``world["inside"]`` (brought to "repatriated"
    along the lifecycle by the registrar, who admits her)."""
    admin = make_staff(Role.SYSTEM_ADMIN, world["home"], username="probe-rehab-admin")
    registrar = world["registrar"]
    centre = services.centre_create(
        actor=Actor.system("probe", user=admin), name="Akniet", region="Mangystau", town="Aktau", unit=world["home"]
    )
    room = services.room_create(
        actor=Actor.system("probe", user=admin),
        centre=centre,
        name="Room one",
        beds=4,
        mothers_with_young_children=True,
    )
    psychologist = make_staff(Role.PSYCHOLOGIST, world["home"], username="probe-rehab-psychologist")
    member = services.staff_member_add(
        actor=Actor.system("probe", user=admin), user=psychologist, centre=centre, discipline="psychologist",
        is_female=True,
    )  # fmt: skip
    actor = Actor.system("probe", user=registrar)
    child = world["inside"]
    for stage in (Stage.VERIFIED, Stage.CLEARED, Stage.REPATRIATED):
        child.refresh_from_db()
        if child.stage != stage:
            registry.stage_change(
                actor=actor, person=child, to_stage=stage, reason="Probe", expected_version=child.version
            )
    [admission] = services.admission_create(
        actor=actor,
        centre=centre,
        admitted_on=timezone.localdate(),
        residents=[services.ResidentInput(person=child, room=room)],
    )
    return {
        "centre_uuid": str(centre.uuid),
        "admission_uuid": str(admission.uuid),
        "staff_uuid": str(member.uuid),
        "person_uuid": str(child.uuid),
    }
