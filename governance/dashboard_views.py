from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from governance import dashboards
from governance.charts import grouped_bars


def dashboard_home(request: HttpRequest) -> HttpResponse:
    armls = list(dashboards.dashboard_armls(request.user))
    if not armls:  # none yet, or none in scope: say so and what to do (templates/no_arml.html)
        return render(request, "no_arml.html", {"title": _("Dashboard")})
    if len(armls) == 1:
        return HttpResponseRedirect(f"{request.path}{armls[0].pk}/")
    return render(request, "governance/dashboard_home.html", {"armls": armls})


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
        (tables[name], charts.get(name)) for name in ("indicateurs", "financeurs", "fonctions")
    ]
    return render(
        request,
        "governance/dashboard.html",
        {
            "arml": arml,
            "sections": sections,
            "convention": dashboards.convention_in_force(arml),
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
