"""Reads of the dues: schedules and calls in a person's scope, what is left to pay, and the
yearly figures the dashboard and the API show among the ARML's own resources."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.dues import rules
from governance.dues.models import CallState, DuesCall, DuesSchedule
from governance.organisations.models import Arml, Person
from permissions.selectors import armls_for


def schedules_for(user: Person) -> QuerySet[DuesSchedule]:
    return DuesSchedule.objects.filter(arml__in=armls_for(user, "dues_schedule")).select_related(
        "arml"
    )


def with_paid(qs: QuerySet[DuesCall]) -> QuerySet[DuesCall]:
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))
    return qs.annotate(paid_sum=Coalesce(Sum("payments__amount"), zero))


def calls_for(user: Person) -> QuerySet[DuesCall]:
    return with_paid(
        DuesCall.objects.filter(arml__in=armls_for(user, "dues_call")).select_related(
            "arml", "mission_locale", "schedule"
        )
    ).order_by("-year", "mission_locale__name")


@dataclass(frozen=True)
class DuesYear:
    """One year's dues of an ARML: what was called, received, left, and who is in arrears."""

    year: int
    called: Decimal
    paid: Decimal
    left: Decimal
    calls: int
    settled: int
    in_arrears: list[str]


def dues_years(arml: Arml) -> list[DuesYear]:
    """Per year, the calls issued (prepared ones are not yet a resource) and their payments."""
    calls = with_paid(
        DuesCall.objects.filter(arml=arml, state__in=[CallState.CALLED, CallState.PAID])
    ).select_related("mission_locale")
    today = timezone.localdate()
    years: dict[int, list[DuesCall]] = {}
    for call in calls.order_by("year", "mission_locale__name"):
        years.setdefault(call.year, []).append(call)
    out = []
    for year, rows in sorted(years.items()):
        called = rules.paid_total(c.amount for c in rows)
        paid = rules.paid_total(c.paid() for c in rows)
        late = [
            str(c.mission_locale)
            for c in rows
            if rules.in_arrears(
                called=c.state == CallState.CALLED,
                due_on=c.due_on,
                left=c.left_to_pay(),
                today=today,
            )
        ]
        out.append(
            DuesYear(
                year=year,
                called=called,
                paid=paid,
                left=rules.balance(called, paid),
                calls=len(rows),
                settled=sum(1 for c in rows if c.state == CallState.PAID),
                in_arrears=late,
            )
        )
    return out
