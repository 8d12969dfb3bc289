"""The declaration form of a regulated agreement (the API takes the same fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Arml, MissionLocale


class DeclareForm(forms.Form):
    arml = forms.ModelChoiceField(label=_("ARML"), queryset=Arml.objects.none())
    counterparty_ml = forms.ModelChoiceField(
        label=_("Counterparty Mission Locale"),
        queryset=MissionLocale.objects.none(),
        required=False,
    )
    counterparty = forms.CharField(
        label=_("Counterparty (if not a Mission Locale)"), max_length=200, required=False
    )
    administrator_name = forms.CharField(label=_("Administrator concerned"), max_length=200)
    capacity = forms.CharField(label=_("Capacity at the counterparty"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    amount = forms.DecimalField(label=_("Amount (€)"), required=False, decimal_places=2)
    concluded_on = forms.DateField(
        label=_("Concluded on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, armls=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        armls = armls if armls is not None else Arml.objects.none()
        self.fields["arml"].queryset = armls
        self.fields["counterparty_ml"].queryset = MissionLocale.objects.filter(arml__in=armls)
