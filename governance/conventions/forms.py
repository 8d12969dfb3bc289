"""The convention content form: header fields, objectives by function, and two grids (funding
year × funder × function; indicator targets year × indicator) read from plainly named inputs,
so the page works without JavaScript."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.conventions.models import ConventionVersion
from governance.conventions.models.conventions import DEFAULT_NOTICE_MONTHS
from governance.conventions.services import Content, LineInput, TargetInput
from governance.organisations import limits
from governance.organisations.models import Arml, Function, Funder, Indicator


class HeaderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=limits.LINE)
    start_year = forms.IntegerField(
        label=gettext_lazy("First year"), min_value=2000, max_value=2100
    )
    end_year = forms.IntegerField(label=gettext_lazy("Last year"), min_value=2000, max_value=2100)
    parties = forms.ModelMultipleChoiceField(
        queryset=Funder.objects.none(),
        label=gettext_lazy("Funders party to the convention"),
        widget=forms.CheckboxSelectMultiple,
    )
    notice_months = forms.IntegerField(
        label=gettext_lazy("Notice period of a termination (months)"),
        min_value=0,
        max_value=24,
        initial=DEFAULT_NOTICE_MONTHS,
        required=False,  # empty: the default notice
    )

    def __init__(self, *args: Any, arml: Arml, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Funder.objects.filter(region=arml.region_id)
        for function in Function:
            self.fields[f"objective_{function.value}"] = forms.CharField(
                label=function.label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=limits.TEXT,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        elif start and end and end - start > 9:
            self.add_error("end_year", _("A convention lasts ten years at most."))
        return data


def initial_from(version: ConventionVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    initial: dict[str, Any] = {
        "title": version.title,
        "start_year": version.start_year,
        "end_year": version.end_year,
        "parties": list(version.parties.all()),
        "notice_months": version.notice_months,
    }
    for key, text in version.objectives.items():
        initial[f"objective_{key}"] = text
    return initial


def grid_values(version: ConventionVersion | None) -> dict[str, str]:
    """Current amounts and targets by input name, to fill the grids."""
    if version is None:
        return {}
    values = {
        f"amount-{li.year}-{li.funder_id}-{li.function}": f"{li.amount:.2f}"
        for li in version.funding_lines.all()
    }
    values.update(
        {f"target-{t.indicator_id}-{t.year}": f"{t.target}" for t in version.targets.all()}
    )
    return values


def parse_grids(
    post: QueryDict, *, years: list[int], parties: list[Funder]
) -> tuple[list[LineInput], list[TargetInput], list[str]]:
    """Lines and targets from the grid inputs; empty cells mean no line; errors as sentences."""
    lines: list[LineInput] = []
    targets: list[TargetInput] = []
    errors: list[str] = []
    for year in years:
        for funder in parties:
            for function in Function.values:
                raw = post.get(f"amount-{year}-{funder.pk}-{function}", "").strip()
                if not raw:
                    continue
                amount = _decimal(raw)
                if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                    errors.append(
                        _(
                            "%(year)s, %(funder)s, function %(n)s: “%(raw)s” is not an amount "
                            "in euros with at most two decimals."
                        )
                        % {"year": year, "funder": funder, "n": function, "raw": raw}
                    )
                    continue
                if amount:
                    lines.append(
                        LineInput(year, funder, function, amount.quantize(Decimal("0.01")))
                    )
    for indicator in Indicator.objects.all():
        for year in years:
            raw = post.get(f"target-{indicator.pk}-{year}", "").strip()
            if not raw:
                continue
            target = _decimal(raw)
            if target is None:
                errors.append(
                    _("%(code)s, %(year)s: “%(raw)s” is not a number.")
                    % {"code": indicator.code, "year": year, "raw": raw}
                )
                continue
            targets.append(TargetInput(indicator, year, target))
    return lines, targets, errors


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def content_from(header: HeaderForm, lines: list[LineInput], targets: list[TargetInput]) -> Content:
    data = header.cleaned_data
    return Content(
        title=data["title"],
        start_year=data["start_year"],
        end_year=data["end_year"],
        parties=list(data["parties"]),
        objectives={str(f.value): data.get(f"objective_{f.value}", "") for f in Function},
        lines=lines,
        targets=targets,
        notice_months=(
            DEFAULT_NOTICE_MONTHS if data.get("notice_months") is None else data["notice_months"]
        ),
    )


class CommentForm(forms.Form):
    """A funder's officer's comment on one line of the current version."""

    line = forms.ChoiceField(label=gettext_lazy("Line"))
    text = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, lines: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = lines


def grid_context(years: list[int], parties: list[Funder], values: dict[str, str]) -> dict[str, Any]:
    """The funding grid (year × funder × function) and the indicator grid, as plainly named
    inputs filled with `values`: the page works without JavaScript."""
    rows = [
        {
            "year": year,
            "funder": funder,
            "cells": [
                {
                    "name": f"amount-{year}-{funder.pk}-{f}",
                    "value": values.get(f"amount-{year}-{funder.pk}-{f}", ""),
                    "label": _("%(year)s, %(funder)s, function %(n)s")
                    % {"year": year, "funder": funder, "n": f},
                }
                for f in Function.values
            ],
        }
        for year in years
        for funder in parties
    ]
    indicators = [
        {
            "indicator": ind,
            "cells": [
                {
                    "name": f"target-{ind.pk}-{year}",
                    "value": values.get(f"target-{ind.pk}-{year}", ""),
                    "year": year,
                    "label": _("%(code)s, target %(year)s") % {"code": ind.code, "year": year},
                }
                for year in years
            ],
        }
        for ind in Indicator.objects.all()
    ]
    return {
        "grid_rows": rows,
        "functions": list(Function),
        "years": years,
        "indicator_rows": indicators,
    }
