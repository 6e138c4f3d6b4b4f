from __future__ import annotations

from django.core.exceptions import ValidationError

from zhusan.registry.forms import NameForm, PersonFilterForm, add_service_errors


def test_service_errors_land_next_to_the_matching_fields():
    form = NameForm({"script": "latin", "kind": "legal", "given": "A"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"given": "Bad name", "unknown_field": "Other problem"}))
    assert form.errors["given"] == ["Bad name"]
    assert form.non_field_errors() == ["Other problem"]


def test_a_plain_service_error_goes_on_top_of_the_form():
    form = NameForm({"script": "latin", "kind": "legal", "given": "A"})
    form.is_valid()
    add_service_errors(form, ValidationError("A person keeps at least one name."))
    assert form.non_field_errors() == ["A person keeps at least one name."]


def test_an_invalid_filter_value_is_dropped_and_the_others_still_apply(db):
    filters = PersonFilterForm({"q": "  aisha ", "stage": "no-such-stage"}).filters()
    assert filters.q == "aisha"
    assert filters.stage == ""
