from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Arml, Person
from permissions.delegations import delegable_actions


class DelegationForm(forms.Form):
    arml = forms.ModelChoiceField(queryset=Arml.objects.none(), label=_("ARML"))
    delegate = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Delegate"))
    transitions = forms.MultipleChoiceField(
        choices=(), label=_("Actions delegated"), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    act_reference = forms.CharField(
        label=_("Delegating act"),
        max_length=200,
        required=False,
        help_text=_("E.g. the prefectoral order delegating the signature, with its number."),
    )
    act_date = forms.DateField(
        label=_("Date of the delegating act"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, armls: QuerySet[Arml], people: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Arml]", self.fields["arml"]).queryset = armls
        cast("forms.ModelChoiceField[Person]", self.fields["delegate"]).queryset = people
        cast(forms.MultipleChoiceField, self.fields["transitions"]).choices = delegable_actions()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data
