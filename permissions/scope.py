"""One scope check for every relation written through the API or a form (issue 13.5): an object
named in a write (a beneficiary Mission Locale, a funder, a body, a person…) must lie in the
actor's scope — the ARMLs `armls_for` gives them. Outside it, it is treated as not existing
(the same refusal as an unknown id), so a write cannot even probe another ARML's ids.

- serializers: `ScopedPrimaryKeyRelatedField` (and `ScopedModelSerializer`, whose generated
  relations use it); `ScopedSlugRelatedField` for relations named by a code;
- forms: `scope_form(form, actor)` narrows every ModelChoiceField's queryset the same way.

tests/permissions/test_scope.py enumerates every writable relation of the API's request
serializers and of the forms, so a new one cannot be left unchecked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from rest_framework import serializers

from permissions.selectors import armls_for

#: How a model reaches the ARML it belongs to, when it is not through a field named `arml`.
PATHS = {
    "governance.arml": "pk",
    "governance.duespayment": "call__arml",
    "governance.funder": "region__arml",
    "governance.person": "mandates__arml",
    "governance.programmeaction": "programme__arml",
}
#: Reference data every ARML shares: no scope.
GLOBAL = {"governance.indicator", "governance.region"}


def scope_path(model: type[Model]) -> str | None:
    """The ORM path from `model` to its ARML; None for shared reference data. A model with no
    known path raises, so a new relation cannot pass unchecked."""
    label = model._meta.label_lower
    if label in GLOBAL:
        return None
    if label in PATHS:
        return PATHS[label]
    if any(f.name == "arml" for f in model._meta.get_fields()):
        return "arml"
    raise LookupError(f"{label}: declare how it reaches its ARML in permissions.scope.PATHS")


def in_scope(queryset: QuerySet[Any], actor: Any) -> QuerySet[Any]:
    """`queryset` narrowed to the objects in `actor`'s scope."""
    path = scope_path(queryset.model)
    if path is None:
        return queryset
    if actor is None or not getattr(actor, "is_authenticated", False):
        return queryset.none()
    if getattr(actor, "is_superuser", False):
        return queryset
    scope = armls_for(actor).values("pk")
    narrowed = queryset.filter(**{f"{path}__in": scope})
    return narrowed.distinct() if "__" in path else narrowed


def _actor(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


class ScopedRelatedMixin:
    def get_queryset(self) -> QuerySet[Any]:
        return in_scope(super().get_queryset(), _actor(self))  # type: ignore[misc]


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):
    pass


class ScopedModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField


def scope_form(form: forms.BaseForm, actor: Any) -> forms.BaseForm:
    """Narrow every model choice of `form` to `actor`'s scope (after the form's own narrowing)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            field.queryset = in_scope(field.queryset, actor)
    return form
