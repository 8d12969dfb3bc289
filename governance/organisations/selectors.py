"""Scoped reads for the governance pages and API. Scope always starts from armls_for()."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from governance.organisations.models import Arml, Body, Mandate, MissionLocale, Person, Region
from permissions.selectors import armls_for


def regions_with_scope(user: Person) -> QuerySet[Region]:
    """All regions (public reference data), each annotated with whether its ARML is in scope."""
    scope = armls_for(user).values("pk")
    return Region.objects.select_related("arml").annotate(
        in_scope=Count("arml", filter=Q(arml__in=scope))
    )


def armls_list(user: Person) -> QuerySet[Arml]:
    return (
        armls_for(user)
        .select_related("region")
        .annotate(ml_count=Count("missions_locales", distinct=True))
        .order_by("short_name")
    )


def missions_locales_list(user: Person, *, arml: Arml | None = None) -> QuerySet[MissionLocale]:
    qs = MissionLocale.objects.filter(arml__in=armls_for(user)).select_related("arml")
    if arml is not None:
        qs = qs.filter(arml=arml)
    return qs.prefetch_related(
        Prefetch(
            "mandates",
            queryset=Mandate.objects.active().select_related("person"),
            to_attr="active_mandates",
        )
    )


def people_list(user: Person, *, arml: Arml | None = None) -> QuerySet[Person]:
    """People holding (or having held) a mandate in one of the user's ARMLs."""
    scope = armls_for(user)
    if arml is not None:
        scope = scope.filter(pk=arml.pk)
    mandates = Mandate.objects.filter(arml__in=scope)
    return (
        Person.objects.filter(pk__in=mandates.values("person_id"))
        .prefetch_related(
            Prefetch(
                "mandates",
                queryset=Mandate.objects.active()
                .filter(arml__in=scope)
                .select_related("arml", "body", "mission_locale", "funder"),
                to_attr="active_mandates",
            )
        )
        .order_by("last_name", "first_name")
    )


def bodies_list(user: Person, *, arml: Arml | None = None) -> QuerySet[Body]:
    qs = Body.objects.filter(arml__in=armls_for(user)).select_related("arml", "rules")
    if arml is not None:
        qs = qs.filter(arml=arml)
    return qs.annotate(
        member_count=Count(
            "mandates",
            filter=Q(mandates__in=Mandate.objects.active().values("pk")),
            distinct=True,
        )
    )


def body_members(body: Body) -> QuerySet[Mandate]:
    return (
        Mandate.objects.active()
        .filter(body=body)
        .select_related("person")
        .order_by("role", "person__last_name")
    )


def mandates_of(person: Person, *, scope: QuerySet[Arml]) -> QuerySet[Mandate]:
    return (
        Mandate.objects.filter(person=person, arml__in=scope)
        .select_related("arml", "body", "mission_locale", "funder")
        .order_by("-start")
    )
