"""Reference-data pages. Views parse input, call selectors, render (no fat views)."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from governance.organisations import selectors as selectors
from governance.organisations.models import Arml, Body, MissionLocale
from permissions.selectors import armls_for, scoped_get


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = armls_for(user)
    context = {
        "armls": selectors.armls_list(user),
        "mandates": selectors.mandates_of(user, scope=Arml.objects.all()).filter(
            pk__in=user.mandates.active().values("pk")
        ),
        "awaiting": [],
        "scope_count": scope.count(),
    }
    context.update(_home_extras(request))
    return render(request, "governance/organisations/home.html", context)


#: Lines of the inbox per page (a thousand tasks must not make one page).
INBOX_PAGE_SIZE = 30


def _home_extras(request: HttpRequest) -> dict[str, object]:
    """The inbox, grouped (to sign, to approve, to prepare, deadlines) and paginated; each
    group's count is over every page (see workflows.selectors)."""
    from django.core.paginator import Paginator

    from workflows.selectors import INBOX_GROUPS, inbox_for

    items = list(inbox_for(request.user))  # cached until the ledger moves (see inbox_for)
    rank = {key: i for i, (key, _label) in enumerate(INBOX_GROUPS)}
    items.sort(
        key=lambda item: (
            rank.get(item.group, 0),
            not item.overdue,
            item.due or dt.date.max,
            item.since or dt.datetime.min.replace(tzinfo=dt.UTC),
        )
    )
    page = Paginator(items, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.group] = counts.get(item.group, 0) + 1
    groups = [
        {
            "key": key,
            "label": label,
            "count": counts.get(key, 0),
            "items": [item for item in page if item.group == key],
        }
        for key, label in INBOX_GROUPS
    ]
    return {"awaiting": items, "inbox_page": page, "inbox_groups": groups}


def region_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/organisations/region_list.html",
        {"regions": selectors.regions_with_scope(request.user)},
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(selectors.regions_with_scope(request.user), code=code)
    return render(request, "governance/organisations/region_detail.html", {"region": region})


def arml_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/organisations/arml_list.html",
        {"armls": selectors.armls_list(request.user)},
    )


def arml_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arml, access = scoped_get(
        request.user, Arml.objects.select_related("region"), arml_path="self", pk=pk
    )
    context = {
        "arml": arml,
        "access": access,
        "missions_locales": selectors.missions_locales_list(request.user, arml=arml),
        "bodies": selectors.bodies_list(request.user, arml=arml),
        "funders": arml.region.funders.all(),
    }
    return render(request, "governance/organisations/arml_detail.html", context)


def ml_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/organisations/ml_list.html",
        {"missions_locales": selectors.missions_locales_list(request.user)},
    )


def ml_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ml, access = scoped_get(
        request.user, MissionLocale.objects.select_related("arml"), arml_path="arml", pk=pk
    )
    mandates = ml.mandates.active().select_related("person")
    return render(
        request,
        "governance/organisations/ml_detail.html",
        {"ml": ml, "access": access, "mandates": mandates},
    )


def person_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/organisations/person_list.html",
        {"people": selectors.people_list(request.user)},
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = armls_for(request.user)
    person = get_object_or_404(selectors.people_list(request.user), pk=pk)
    mandates = selectors.mandates_of(person, scope=scope)
    return render(
        request,
        "governance/organisations/person_detail.html",
        {"person": person, "mandates": mandates},
    )


def body_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/organisations/body_list.html",
        {"bodies": selectors.bodies_list(request.user)},
    )


def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body, access = scoped_get(
        request.user, Body.objects.select_related("arml", "rules"), arml_path="arml", pk=pk
    )
    return render(
        request,
        "governance/organisations/body_detail.html",
        {"body": body, "access": access, "members": selectors.body_members(body)},
    )
