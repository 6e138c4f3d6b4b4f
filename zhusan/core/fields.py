"""Form fields every app uses in place of Django's.

A ``ModelChoiceField`` draws its options with ``queryset.iterator()``: on
PostgreSQL a server-side cursor (declare, fetch, close; ``WITH HOLD`` outside
a transaction) each time a select is drawn, for a list of a few sites or
units — on the person list, every page. These read the options with one
plain query; the options, their values and the validation are Django's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django import forms
from django.db.models import Model
from django.forms.models import ModelChoiceIterator

_M = TypeVar("_M", bound=Model)


class ListedChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh read at every drawing, as Django's
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField[_M]):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField[_M]):
    iterator = ListedChoiceIterator
