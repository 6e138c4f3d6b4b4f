"""Audit object types: one name per kind of record, whatever happens to it."""

from __future__ import annotations

import pytest
from django.apps import apps

from zhusan.audit.models import Action, AuditEvent, ObjectType, object_type_of
from zhusan.audit.services import Actor, record
from zhusan.registry import services
from zhusan.registry.merge import all_relations
from zhusan.registry.models import PersonName, Script

from ..factories import make_person

pytestmark = pytest.mark.django_db


def test_an_unknown_object_type_is_refused_and_writes_nothing():
    with pytest.raises(ValueError, match="not a valid ObjectType"):
        record(Actor.system("tests"), Action.VIEW, object_type="personname")
    assert not AuditEvent.objects.exists()


def test_every_model_of_the_project_declares_its_audit_type():
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("zhusan.") and m._meta.app_label not in {"core", "audit"}
        and getattr(m, "audit_type", None) is None
        and m._meta.model_name not in {"casecounter"}
    ]  # fmt: skip
    assert missing == [], "declare audit_type = ObjectType.… on these models"


def test_every_model_a_merge_can_move_has_an_audit_type():
    for relation in all_relations():
        assert isinstance(object_type_of(relation.model), ObjectType)


def test_a_name_is_audited_as_a_name_when_added_read_and_moved_by_a_merge(alice):
    person = make_person(alice, given="Aysha", family="Nurlanova")
    name = services.name_add(
        actor=Actor.system("tests", user=alice),
        person=person,
        name=services.NameInput(script=Script.LATIN, kind="alias", given="Aisha", family="Nurlanova"),
    )
    other = make_person(alice, given="Айша", family="Нурланова", script=Script.CYRILLIC)
    services.person_merge(actor=Actor.system("tests", user=alice), survivor=other, merged=person, detail={})
    types = set(AuditEvent.objects.filter(object_ref=str(name.uuid)).values_list("object_type", flat=True))
    assert types == {ObjectType.NAME}
    assert PersonName.objects.get(pk=name.pk).person == other
