from django import forms
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

    def __init__(self, *args, armls, people, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["arml"].queryset = armls
        self.fields["delegate"].queryset = people
        self.fields["transitions"].choices = delegable_actions()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data
