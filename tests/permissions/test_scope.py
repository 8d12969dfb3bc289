"""Issue 13.5: every relation written through the API or a form goes through one scope check
(permissions/scope.py). The relations are enumerated from the serializers and forms themselves,
so a new one cannot be forgotten; an object of another ARML is refused as if it did not exist."""

import pytest
from django import forms
from rest_framework import relations, serializers

from governance.action_plans.models import ActionPlan
from governance.organisations.models import Arml, Body, Funder, MissionLocale, Person
from permissions.scope import (
    ScopedRelatedMixin,
    in_scope,
    scope_form,
    scope_path,
)
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    FunderFactory,
    MissionLocaleFactory,
    RegionFactory,
    person_with_role,
)
from tests.governance.test_limits import classes
from tests.workflows.conftest import World


def writable_relations():
    for cls in classes(".api", serializers.BaseSerializer):
        try:
            fields = cls().fields
        except Exception:  # a serializer needing arguments is not a request body
            continue
        for name, field in fields.items():
            if field.read_only:
                continue
            if isinstance(field, relations.ManyRelatedField):
                field = field.child_relation
            if isinstance(field, relations.RelatedField):
                yield f"{cls.__name__}.{name}", field


def test_every_writable_api_relation_is_scoped():
    found = list(writable_relations())
    assert len(found) > 20
    unscoped = [
        name
        for name, field in found
        if not isinstance(field, ScopedRelatedMixin)
        and scope_path(field.queryset.model) is not None
    ]
    assert unscoped == [], unscoped


def test_every_related_model_says_how_it_reaches_its_arml():
    models = {field.queryset.model for _name, field in writable_relations()}
    for form in classes(".forms", forms.BaseForm):
        models |= {
            f.queryset.model
            for f in form.base_fields.values()
            if isinstance(f, forms.ModelChoiceField)
        }
    assert {MissionLocale, Funder, Body, Person, Arml} <= models
    for model in models:
        scope_path(model)  # raises LookupError for a model with no declared path


@pytest.mark.django_db
def test_objects_of_another_arml_are_out_of_scope():
    world = World()
    other = ArmlFactory(region=RegionFactory(code="28", name="Normandie"))
    theirs = {
        MissionLocale: MissionLocaleFactory(arml=other),
        Funder: FunderFactory(region=other.region),
        Body: BodyFactory(arml=other),
        Person: person_with_role("president", other),
        Arml: other,
    }
    mine = {
        MissionLocale: world.ml2,
        Funder: Funder.objects.filter(region=world.arml.region).first(),
        Body: world.ct,
        Person: world.people["president"],
        Arml: world.arml,
    }
    for model, obj in theirs.items():
        scoped = in_scope(model.objects.all(), world.director)
        assert not scoped.filter(pk=obj.pk).exists(), model
        assert scoped.filter(pk=mine[model].pk).exists(), model


@pytest.mark.django_db
def test_a_director_cannot_name_another_armls_mission_locale_as_beneficiary(client):
    world = World()
    other = ArmlFactory(region=RegionFactory(code="28", name="Normandie"))
    normandie = MissionLocaleFactory(arml=other, name="Mission Locale de Caen")
    client.force_login(world.director)
    response = client.post(
        "/api/v1/action-plans/",
        {
            "title": "Mobilité",
            "summary": "Permis.",
            "budget": "10.00",
            "mission_locale": world.ml1.pk,
            "beneficiaries": [world.ml2.pk, normandie.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "beneficiaries" in response.json()["errors"]
    assert "Caen" not in response.content.decode()
    assert not ActionPlan.objects.exists()


@pytest.mark.django_db
def test_forms_offer_only_what_is_in_scope():
    from governance.action_plans.forms import ActionPlanForm

    world = World()
    other = ArmlFactory(region=RegionFactory(code="28", name="Normandie"))
    MissionLocaleFactory(arml=other)
    form = scope_form(ActionPlanForm(mission_locale=world.ml1), world.director)
    offered = set(form.fields["beneficiaries"].queryset)
    assert offered == {world.ml1, world.ml2}
