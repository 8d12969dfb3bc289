"""Factories shared by the whole suite. Tests build their own data; none reads the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from governance.organisations.models import (
    Arml,
    Body,
    BodyKind,
    BodyRules,
    Funder,
    FunderKind,
    Mandate,
    MissionLocale,
    Person,
    Region,
)
from governance.organisations.services import mandate_create


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(3):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: _base36(n + 36 * 36 * 10))  # "A00"…: never an INSEE code
    name = factory.Sequence(lambda n: f"Région {n}")


class ArmlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arml
        # The 18 real regions come with their ARML (reference data): reuse it.
        django_get_or_create = ("region",)

    region = factory.SubFactory(RegionFactory)
    name = factory.LazyAttribute(
        lambda o: f"Association régionale des Missions Locales {o.region.name}"
    )
    short_name = factory.LazyAttribute(lambda o: f"ARML {o.region.name}")


class MissionLocaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionLocale

    arml = factory.SubFactory(ArmlFactory)
    name = factory.Sequence(lambda n: f"Mission Locale n°{n}")
    city = "Rennes"


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    region = factory.SubFactory(RegionFactory)
    kind = FunderKind.STATE
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.kind} {o.region.name} {n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("arml", "kind")
        skip_postgeneration_save = True

    arml = factory.SubFactory(ArmlFactory)
    kind = BodyKind.CA
    name = factory.LazyAttribute(lambda o: BodyKind(o.kind).label)
    rules = factory.RelatedFactory("tests.factories.BodyRulesFactory", factory_related_name="body")


class BodyRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodyRules
        django_get_or_create = ("body",)

    body = factory.SubFactory(BodyFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


def give_mandate(
    person: Person, role: str, arml: Arml, *, start: dt.date | None = None, **fields: Any
) -> Mandate:
    """A mandate through the service, so that groups and scope follow as in production."""
    start = start or timezone.localdate() - dt.timedelta(days=30)
    return mandate_create(person=person, role=role, arml=arml, start=start, **fields)


def person_with_role(role: str, arml: Arml, **fields: Any) -> Person:
    person = PersonFactory()
    give_mandate(person, role, arml, **fields)
    return person
