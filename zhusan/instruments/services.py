"""Every write to instruments: keyword-only, typed, atomic, audited.

An administration's answers are checked against the catalogue (every item
answered, every answer on the instrument's scale) and the person's age on
the day against the instrument's age range; the scores and the band are
derived, never typed. A PHQ-9 answer above 0 on item 9 raises a safety
alert in the same transaction.

The schedule services (``schedule_admission``, ``schedule_before_discharge``,
``schedule_follow_up``) are called by rehabilitation (admission, discharge)
and reintegration (follow-up); the caller has already checked that the actor
may make that move, and these only need the person in the actor's scope.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhusan.accounts.permissions import Compartment
from zhusan.audit.models import Action, ObjectType
from zhusan.audit.services import Actor, Denied, diff, record, write_action
from zhusan.core.concurrency import save_versioned
from zhusan.registry.access import access_for, require_write
from zhusan.registry.models import CaseAssignment, Person

from .catalogue import INSTRUMENTS, PHQ9_SELF_HARM_ITEM, Instrument, InstrumentCode, band, fits_age, score
from .extensions import recipient_providers
from .models import FOLLOW_UP_MONTHS, Administration, Occasion, SafetyAlert, ScheduledAdministration

PSY = Compartment.PSYCHOSOCIAL
# The baseline is due within this many days of admission.
BASELINE_WITHIN_DAYS = 7
SENSITIVE = ("answers", "total", "subscales", "band")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Checks -------------------------------------------------------------------------


def instrument_or_error(code: object) -> Instrument:
    inst = INSTRUMENTS.get(str(code or ""))
    if inst is None:
        raise ValidationError({"instrument": _("Choose one of the instruments.")})
    return inst


def age_error(inst: Instrument, person: Person, on: date) -> str | None:
    """Why ``inst`` may not be given to ``person`` on ``on`` (None: it may)."""
    age = person.age(on)
    if age is None:
        return _("The person's date of birth is not known, so the age rule of %(i)s cannot be checked.") % {
            "i": inst.name
        }
    if not fits_age(inst, age):
        if inst.max_age >= 150:
            rule = _("%(i)s is for people aged %(low)s or over") % {"i": inst.name, "low": inst.min_age}
        else:
            rule = _("%(i)s is for people aged %(low)s to %(high)s") % {
                "i": inst.name,
                "low": inst.min_age,
                "high": inst.max_age,
            }
        return _("%(rule)s; this person was %(age)s on %(day)s.") % {"rule": rule, "age": age, "day": on}
    return None


def validate_answers(inst: Instrument, raw: Mapping[str, Any]) -> dict[str, int]:
    """Every item answered, on the instrument's scale; errors by item key
    (``"item_<key>"``) and all of them at once."""
    errors: dict[str, str] = {}
    out: dict[str, int] = {}
    known = {item.key for item in inst.items}
    for key in raw:
        if str(key) not in known:
            errors[f"item_{key}"] = _("%(i)s has no item %(k)s.") % {"i": inst.name, "k": key}
    for item in inst.items:
        value = raw.get(item.key)
        if value is None or value == "":
            errors[f"item_{item.key}"] = _("Item %(k)s is not answered.") % {"k": item.key}
            continue
        try:
            number = int(value)
            if str(number) != str(value).strip() and not isinstance(value, int):
                raise ValueError
        except (TypeError, ValueError):
            errors[f"item_{item.key}"] = _("Item %(k)s: the answer must be a whole number.") % {"k": item.key}
            continue
        allowed = inst.allowed(item)
        if isinstance(value, bool) or number not in allowed:
            errors[f"item_{item.key}"] = _("Item %(k)s: %(v)s is not on the scale (allowed: %(a)s).") % {
                "k": item.key,
                "v": value,
                "a": ", ".join(str(a) for a in allowed),
            }
            continue
        out[item.key] = number
    if errors:
        raise ValidationError(errors)
    return out


def _occasion(value: object) -> Occasion:
    if value not in Occasion.values:
        raise ValidationError({"occasion": _("Choose an occasion.")})
    return Occasion(str(value))


# --- Administrations ----------------------------------------------------------------


@write_action
def administration_record(
    *,
    actor: Actor,
    person: Person,
    instrument: str,
    occasion: str,
    administered_on: date,
    answers: Mapping[str, Any],
) -> Administration:
    """Record a completed instrument; it fulfils the person's open schedule
    for that instrument and occasion, and a PHQ-9 answer above 0 on item 9
    raises a safety alert."""
    require_write(actor, person, PSY)
    assert actor.user is not None
    inst = instrument_or_error(instrument)
    occ = _occasion(occasion)
    errors: dict[str, str] = {}
    if administered_on > timezone.localdate():
        errors["administered_on"] = _("The date cannot be in the future.")
    elif person.birth_date_low is not None and administered_on < person.birth_date_low:
        errors["administered_on"] = _("The date is before the person was born.")
    else:
        why = age_error(inst, person, administered_on)
        if why:
            errors["instrument"] = why
    try:
        valid = validate_answers(inst, answers)
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    scores = score(inst, valid)
    admin = Administration.objects.create(
        person=person,
        instrument=inst.code,
        occasion=occ,
        administered_on=administered_on,
        administered_by=actor.user,
        answers_json=json.dumps(valid, sort_keys=True),
        total=scores.total,
        subscales=scores.subscales,
        band=band(inst.code, scores.total),
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.INSTRUMENT_ADMINISTRATION,
        object_ref=admin.uuid,
        person_ref=person.uuid,
        changes=diff(
            {},
            {
                "instrument": inst.code.value,
                "occasion": occ.value,
                "administered_on": administered_on,
                "answers": json.dumps(valid, sort_keys=True),
                "total": scores.total,
                "subscales": json.dumps(scores.subscales, sort_keys=True),
                "band": admin.band,
            },
            sensitive=SENSITIVE,
        ),
    )
    _fulfil_schedule(actor, admin)
    if inst.code == InstrumentCode.PHQ9 and valid.get(PHQ9_SELF_HARM_ITEM, 0) > 0:
        _raise_alert(actor, admin)
    return admin


def _fulfil_schedule(actor: Actor, admin: Administration) -> None:
    if admin.occasion == Occasion.OTHER:
        return
    due = (
        ScheduledAdministration.objects.filter(
            person=admin.person, instrument=admin.instrument, occasion=admin.occasion, administration__isnull=True
        )
        .order_by("due_on")
        .first()
    )
    if due is None:
        return
    due.administration = admin
    due.save(update_fields=["administration", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.INSTRUMENT_SCHEDULE,
        object_ref=due.uuid,
        person_ref=admin.person.uuid,
        changes={"administration": {"old": None, "new": str(admin.uuid)}},
    )


def alert_recipients_for(person: Person, administered_by: Any) -> list[Any]:
    """The registered providers' answer (the first non-empty one), else the
    administering user and the open case assignments that read psychosocial."""
    for provider in recipient_providers():
        users = [u for u in provider(person) if u is not None]
        if users:
            return _unique(users)
    users = [administered_by]
    for assignment in CaseAssignment.objects.filter(person=person, ended_at__isnull=True).select_related("user"):
        if access_for(assignment.user, person).can_read(PSY):
            users.append(assignment.user)
    return _unique(users)


def _unique(users: list[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


def _raise_alert(actor: Actor, admin: Administration) -> SafetyAlert:
    alert = SafetyAlert.objects.create(person=admin.person, administration=admin)
    recipients = alert_recipients_for(admin.person, admin.administered_by)
    alert.recipients.set(recipients)
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.SAFETY_ALERT,
        object_ref=alert.uuid,
        person_ref=admin.person.uuid,
        detail={"administration": str(admin.uuid), "recipients": sorted(u.get_username() for u in recipients)},
    )
    return alert


def may_acknowledge(user: Any, alert: SafetyAlert) -> bool:
    """A recipient, or anyone who writes the person's psychosocial record."""
    if user is None or not user.is_authenticated:
        return False
    if alert.recipients.filter(pk=user.pk).exists():
        return True
    access = access_for(user, alert.person)
    return access.can_write(PSY) and not access.via_break_glass


@write_action
def alert_acknowledge(*, actor: Actor, alert: SafetyAlert, action_taken: str, expected_version: int) -> SafetyAlert:
    """Close an alert with the action taken (required)."""
    if not may_acknowledge(actor.user, alert):
        raise Denied(
            _("Only the alert's recipients or the person's psychologists may acknowledge it."),
            actor=actor,
            object_type=ObjectType.SAFETY_ALERT,
            object_ref=alert.uuid,
            person_ref=alert.person.uuid,
            why="not a recipient",
        )
    text = (action_taken or "").strip()
    if not text:
        raise ValidationError({"action_taken": _("Say what action was taken.")})
    if not alert.is_open:
        raise ValidationError({"action_taken": _("This alert was already acknowledged.")})
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor.user
    alert.action_taken = text
    save_versioned(
        alert, expected_version=expected_version, fields=["acknowledged_at", "acknowledged_by", "action_taken"]
    )
    record(
        actor,
        Action.UPDATE,
        object_type=ObjectType.SAFETY_ALERT,
        object_ref=alert.uuid,
        person_ref=alert.person.uuid,
        changes=diff({}, {"acknowledged": True, "action_taken": text}, sensitive=("action_taken",)),
    )
    return alert


# --- Schedule -----------------------------------------------------------------------


def _may_schedule(actor: Actor, person: Person) -> None:
    if actor.user is not None:
        require_write(actor, person)


def _schedule(
    actor: Actor, person: Person, inst: Instrument, occasion: Occasion, due_on: date
) -> ScheduledAdministration:
    existing = ScheduledAdministration.objects.filter(
        person=person, instrument=inst.code, occasion=occasion, administration__isnull=True
    ).first()
    if existing is not None and occasion != Occasion.OTHER:
        if existing.due_on != due_on:
            old = existing.due_on
            existing.due_on = due_on
            existing.save(update_fields=["due_on", "updated_at"])
            record(
                actor,
                Action.UPDATE,
                object_type=ObjectType.INSTRUMENT_SCHEDULE,
                object_ref=existing.uuid,
                person_ref=person.uuid,
                changes=diff({"due_on": old}, {"due_on": due_on}),
            )
        return existing
    row = ScheduledAdministration.objects.create(
        person=person, instrument=inst.code, occasion=occasion, due_on=due_on, created_by=actor.user
    )
    record(
        actor,
        Action.CREATE,
        object_type=ObjectType.INSTRUMENT_SCHEDULE,
        object_ref=row.uuid,
        person_ref=person.uuid,
        changes=diff({}, {"instrument": inst.code.value, "occasion": occasion.value, "due_on": due_on}),
    )
    return row


def _fitting(person: Person, on: date) -> list[Instrument]:
    age = person.age(on)
    if age is None:
        return []
    return [inst for inst in INSTRUMENTS.values() if fits_age(inst, age)]


@write_action
def schedule_admission(*, actor: Actor, person: Person, admitted_on: date) -> list[ScheduledAdministration]:
    """A baseline of every instrument that fits the person's age on admission,
    due within a week."""
    _may_schedule(actor, person)
    due = admitted_on + timedelta(days=BASELINE_WITHIN_DAYS)
    return [_schedule(actor, person, inst, Occasion.BASELINE, due) for inst in _fitting(person, admitted_on)]


@write_action
def schedule_before_discharge(*, actor: Actor, person: Person, due_on: date) -> list[ScheduledAdministration]:
    """Every instrument that fits the person's age, due before discharge."""
    _may_schedule(actor, person)
    return [_schedule(actor, person, inst, Occasion.BEFORE_DISCHARGE, due_on) for inst in _fitting(person, due_on)]


@write_action
def schedule_follow_up(*, actor: Actor, person: Person, discharged_on: date) -> list[ScheduledAdministration]:
    """The instruments that fit the person's age 3, 6 and 12 months after discharge."""
    _may_schedule(actor, person)
    out: list[ScheduledAdministration] = []
    for occasion, months in FOLLOW_UP_MONTHS.items():
        due = add_months(discharged_on, months)
        out.extend(_schedule(actor, person, inst, occasion, due) for inst in _fitting(person, due))
    return out


@write_action
def schedule_add(
    *, actor: Actor, person: Person, instrument: str, occasion: str, due_on: date
) -> ScheduledAdministration:
    """One instrument scheduled by hand (from the person's Instruments tab)."""
    require_write(actor, person, PSY)
    inst = instrument_or_error(instrument)
    occ = _occasion(occasion)
    why = age_error(inst, person, due_on)
    if why:
        raise ValidationError({"instrument": why})
    return _schedule(actor, person, inst, occ, due_on)
