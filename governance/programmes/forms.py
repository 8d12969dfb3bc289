"""PRA forms: the programme header, one action (with its budget and targets as plainly named
grid inputs, so that the page works without JavaScript), opinions and quarterly progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.conventions.forms import _decimal
from governance.organisations import limits
from governance.organisations.models import Function, Funder, Indicator, MissionLocale
from governance.programmes.models import Programme, ProgrammeAction, ProgressStatus
from governance.programmes.services import ActionInput


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=limits.LINE)
    start_year = forms.IntegerField(
        label=gettext_lazy("First year"), min_value=2000, max_value=2100
    )
    end_year = forms.IntegerField(label=gettext_lazy("Last year"), min_value=2000, max_value=2100)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        elif start and end and end - start > 9:
            self.add_error("end_year", _("A programme lasts ten years at most."))
        return data


class ActionForm(forms.Form):
    function = forms.TypedChoiceField(
        label=gettext_lazy("Function"), choices=Function.choices, coerce=int
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=limits.LINE)
    objective = forms.CharField(
        label=gettext_lazy("Objective"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.TEXT,
    )
    lead_ml = forms.ModelChoiceField(
        queryset=MissionLocale.objects.none(),
        required=False,
        label=gettext_lazy("Lead Mission Locale"),
        empty_label=gettext_lazy("— none (the ARML or another lead) —"),
    )
    lead_text = forms.CharField(
        label=gettext_lazy("Other lead"),
        max_length=limits.LINE,
        required=False,
        help_text=gettext_lazy("When the lead is not a Mission Locale: the ARML, a partner…"),
    )
    partners = forms.CharField(
        label=gettext_lazy("Partners"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.TEXT,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["lead_ml"].queryset = MissionLocale.objects.filter(arml=programme.arml_id)
        self.funders = list(
            Funder.objects.filter(region=programme.arml.region_id).order_by("kind", "name")
        )
        self.indicators = list(Indicator.objects.all())
        for funder in self.funders:
            self.fields[f"budget-{funder.pk}"] = forms.CharField(
                label=_("Budget from %(funder)s (€)") % {"funder": funder},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
                max_length=limits.LINE,
            )
        for indicator in self.indicators:
            self.fields[f"target-{indicator.pk}"] = forms.CharField(
                label=_("Target for %(indicator)s (%(unit)s)")
                % {"indicator": indicator, "unit": indicator.unit},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
                max_length=limits.LINE,
            )

    def budget_fields(self) -> list[forms.BoundField]:
        return [self[f"budget-{f.pk}"] for f in self.funders]

    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"target-{i.pk}"] for i in self.indicators]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        budget: list[tuple[Funder, Decimal]] = []
        for funder in self.funders:
            raw = (data.get(f"budget-{funder.pk}") or "").strip()
            if not raw:
                continue
            amount = _decimal(raw)
            if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                self.add_error(
                    f"budget-{funder.pk}",
                    _("“%(raw)s” is not an amount in euros with at most two decimals.")
                    % {"raw": raw},
                )
                continue
            if amount:
                budget.append((funder, amount))
        targets: list[tuple[Indicator, Decimal]] = []
        for indicator in self.indicators:
            raw = (data.get(f"target-{indicator.pk}") or "").strip()
            if not raw:
                continue
            value = _decimal(raw)
            if value is None:
                self.add_error(
                    f"target-{indicator.pk}", _("“%(raw)s” is not a number.") % {"raw": raw}
                )
                continue
            targets.append((indicator, value))
        data["budget"], data["targets"] = budget, targets
        return data

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            function=data["function"],
            title=data["title"],
            objective=data["objective"],
            lead_ml=data.get("lead_ml"),
            lead_text=data.get("lead_text", ""),
            partners=data.get("partners", ""),
            targets=data["targets"],
            budget=data["budget"],
        )


def action_initial(action: ProgrammeAction) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "function": action.function,
        "title": action.title,
        "objective": action.objective,
        "lead_ml": action.lead_ml_id,
        "lead_text": action.lead_text,
        "partners": action.partners,
    }
    for line in action.budget_lines.all():
        initial[f"budget-{line.funder_id}"] = f"{line.amount:.2f}"
    for target in action.targets.all():
        initial[f"target-{target.indicator_id}"] = f"{target.target.normalize():f}"
    return initial


class ProgressForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"))
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        choices=[
            (1, gettext_lazy("Q1")),
            (2, gettext_lazy("Q2")),
            (3, gettext_lazy("Q3")),
            (4, gettext_lazy("Q4")),
        ],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ProgressStatus.choices)
    percent_done = forms.IntegerField(label=gettext_lazy("Done (%)"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.COMMENT,
    )

    def __init__(self, *args: Any, action: ProgrammeAction, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year, "quarter": (today.month - 1) // 3 + 1})
        kwargs.setdefault("auto_id", f"id_p{action.pk}_%s")
        super().__init__(*args, **kwargs)
        self.codes = [t.indicator for t in action.targets.all()]
        for indicator in self.codes:
            self.fields[f"measure-{indicator.code}"] = forms.CharField(
                label=_("Measured: %(indicator)s (%(unit)s)")
                % {"indicator": indicator.code, "unit": indicator.unit},
                required=False,
                max_length=limits.LINE,
            )

    def measurements(self) -> dict[str, str]:
        return {
            ind.code: self.cleaned_data.get(f"measure-{ind.code}", "").strip()
            for ind in self.codes
            if self.cleaned_data.get(f"measure-{ind.code}", "").strip()
        }
