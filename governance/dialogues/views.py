"""Management dialogue pages: list, open, file preparation, measurements, conclusions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.conventions.forms import grid_context, parse_grids
from governance.dialogues import dashboards, selectors, services
from governance.dialogues.charts import grouped_bars
from governance.dialogues.models import Measurement
from governance.dialogues.rules import NEGOTIATE, PREPARE
from governance.organisations.models import Arml, Function, Funder, Indicator
from notifications.deadlines import open_deadlines
from permissions.authorization import armls_allowed, may
from workflows.selectors import signature_panel
from workflows.web import lifecycle_context


def _preparing_armls(user: Any) -> list[Arml]:
    return armls_allowed(user, PREPARE)


def dialogue_list(request: HttpRequest) -> HttpResponse:
    armls = _preparing_armls(request.user)
    if request.method == "POST":
        if not armls:
            raise PermissionDenied(_("Only the ARML's director or staff prepare the dialogue."))
        try:
            year = int(request.POST.get("year", ""))
            meeting = request.POST.get("meeting_date") or None
            dialogue = services.dialogue_create(
                actor=request.user,
                arml=armls[0],
                year=year,
                meeting_date=dt.date.fromisoformat(meeting) if meeting else None,
            )
        except ValueError:
            messages.error(request, _("Give a year and, if known, the meeting date (YYYY-MM-DD)."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return HttpResponseRedirect(dialogue.get_absolute_url())
    return render(
        request,
        "governance/dialogues/dialogue_list.html",
        {
            "dialogues": selectors.dialogues_for(request.user),
            "can_open": bool(armls),
            "next_year": timezone.localdate().year + 1,
        },
    )


def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(selectors.dialogues_for(request.user), pk=pk)
    parties = list(Funder.objects.filter(pk__in=dialogue.party_funder_ids()))
    values = {
        f"amount-0-{li.funder_id}-{li.function}": f"{li.amount:.2f}" for li in dialogue.lines.all()
    }
    targets = {t.indicator_id: t.target for t in dialogue.targets.all()}
    context = {
        "dialogue": dialogue,
        "can_prepare": dialogue.state == "preparation" and may(request.user, dialogue, PREPARE),
        "can_conclude": dialogue.state == "meeting_held" and may(request.user, dialogue, NEGOTIATE),
        "measurements": Measurement.objects.filter(
            arml=dialogue.arml, year=dialogue.year - 1
        ).select_related("indicator"),
        "indicators": Indicator.objects.all(),
        "target_rows": [
            {"indicator": i, "value": targets.get(i.pk, "")} for i in Indicator.objects.all()
        ],
        "lines": dialogue.lines.select_related("funder"),
        "functions": list(Function),
        "signature_panel": signature_panel(dialogue, "conclusions"),
        "action_url_prefix": f"{dialogue.get_absolute_url()}transitions/",
        **grid_context([0], parties, values),
        **lifecycle_context(request, dialogue),
    }
    return render(request, "governance/dialogues/dialogue_detail.html", context)


@require_POST
def dialogue_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(selectors.dialogues_for(request.user), pk=pk)
    try:
        meeting = request.POST.get("meeting_date") or None
        services.dialogue_prepare(
            actor=request.user,
            dialogue=dialogue,
            meeting_date=dt.date.fromisoformat(meeting) if meeting else None,
            financial_report=request.POST.get("financial_report", ""),
            actions_report=request.POST.get("actions_report", ""),
        )
    except ValueError:
        messages.error(request, _("The meeting date must be a date (YYYY-MM-DD)."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Dialogue file saved."))
    return HttpResponseRedirect(dialogue.get_absolute_url())


@require_POST
def measurements_import(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(selectors.dialogues_for(request.user), pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size > services.MAX_FILE_BYTES:
                raise ValidationError(_("The file is too large (1 MB at most)."))
            rows = services.parse_measurements_csv(upload.read())
            source = "csv"
        else:
            indicator = Indicator.objects.filter(pk=request.POST.get("indicator")).first()
            if indicator is None:
                raise ValidationError(_("Choose an indicator."))
            try:
                value = Decimal(request.POST.get("value", "").replace(",", ".").replace(" ", ""))
                year = int(request.POST.get("year", ""))
                if not value.is_finite() or abs(value) > services.LARGEST:
                    raise InvalidOperation
                value = value.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                raise ValidationError(_("Give a year and a number.")) from None
            rows = [services.Row(0, indicator, year, value)]
            source = "manual"
        count = services.measurements_record(
            actor=request.user, arml=dialogue.arml, rows=rows, source=source
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)s measurement(s) recorded.") % {"n": count})
    return HttpResponseRedirect(dialogue.get_absolute_url())


@require_POST
def conclusions_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dialogue = get_object_or_404(selectors.dialogues_for(request.user), pk=pk)
    parties = list(Funder.objects.filter(pk__in=dialogue.party_funder_ids()))
    lines, _targets, problems = parse_grids(request.POST, years=[0], parties=parties)
    targets = []
    for indicator in Indicator.objects.all():
        raw = request.POST.get(f"goal-{indicator.pk}", "").strip()
        if raw:
            try:
                targets.append(
                    {
                        "indicator": indicator,
                        "target": Decimal(raw.replace(",", ".").replace(" ", "")),
                    }
                )
            except InvalidOperation:
                problems.append(
                    _("%(code)s: “%(raw)s” is not a number.") % {"code": indicator.code, "raw": raw}
                )
    if problems:
        for p in problems:
            messages.error(request, p)
        return HttpResponseRedirect(dialogue.get_absolute_url())
    try:
        services.conclusions_save(
            actor=request.user,
            dialogue=dialogue,
            objectives=request.POST.get("objectives", ""),
            lines=[
                {"funder": li.funder, "function": li.function, "amount": li.amount} for li in lines
            ],
            targets=targets,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Draft conclusions saved."))
    return HttpResponseRedirect(dialogue.get_absolute_url())


def dashboard_home(request: HttpRequest) -> HttpResponse:
    armls = list(dashboards.dashboard_armls(request.user))
    if not armls:  # none yet, or none in scope: say so and what to do (templates/no_arml.html)
        return render(request, "no_arml.html", {"title": _("Dashboard")})
    if len(armls) == 1:
        return HttpResponseRedirect(f"{request.path}{armls[0].pk}/")
    return render(request, "governance/dialogues/dashboard_home.html", {"armls": armls})


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    arml = get_object_or_404(dashboards.dashboard_armls(request.user), pk=pk)
    tables = dashboards.tables_for(arml)
    charts = {}
    for name in ("financeurs", "fonctions"):  # year rows; one column per funder / function
        table = tables[name]
        if table.rows:
            charts[name] = grouped_bars(
                title=table.title,
                groups=[str(r[0]) for r in table.rows],
                series=[
                    (label, [r[i + 1] for r in table.rows])
                    for i, label in enumerate(table.header[1:-1])
                ],
                unit=" €",
            )
    indicators = [r for r in tables["indicateurs"].rows if r[3] != "" and r[4] != ""]
    if indicators:
        charts["indicateurs"] = grouped_bars(
            title=tables["indicateurs"].title,
            groups=[f"{r[0]} {r[2]}" for r in indicators],
            series=[
                (_("Target"), [r[3] for r in indicators]),
                (_("Measurement"), [r[4] for r in indicators]),
            ],
        )
    sections = [
        (tables[name], charts.get(name))
        for name in ("indicateurs", "financeurs", "fonctions", "versements", "cotisations")
    ]
    convention = dashboards.convention_in_force(arml)
    return render(
        request,
        "governance/dialogues/dashboard.html",
        {
            "arml": arml,
            "sections": sections,
            "convention": convention,
            "renegotiating": dashboards.renegotiated_years(convention),
            "deadlines": open_deadlines(armls=[arml.pk]),
        },
    )


def export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    arml = get_object_or_404(dashboards.dashboard_armls(request.user), pk=pk)
    tables = dashboards.tables_for(arml)
    if table not in tables or fmt not in {"csv", "xlsx"}:
        raise Http404
    data = tables[table]
    if fmt == "csv":
        content, mime = dashboards.as_csv(data), "text/csv; charset=utf-8"
    else:
        content = dashboards.as_xlsx(data)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{arml.region.code}-{table}.{fmt}"'
    return response
