"""Forms of the dues pages (the API takes the same fields)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.organisations import limits
from governance.organisations.models import Arml


class ScheduleForm(forms.Form):
    arml = forms.ModelChoiceField(label=_("ARML"), queryset=Arml.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    base_amount = forms.DecimalField(
        label=_("Amount per Mission Locale (€)"), min_value=Decimal(0), decimal_places=2
    )
    per_young_amount = forms.DecimalField(
        label=_("Amount per young person accompanied (€)"),
        min_value=Decimal(0),
        decimal_places=2,
        initial=Decimal(0),
    )
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, armls=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["arml"].queryset = armls if armls is not None else Arml.objects.none()


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (€)"), decimal_places=2)
    paid_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Payment reference"), required=False, max_length=120)


class CorrectionForm(forms.Form):
    """A correcting entry against a payment recorded by mistake (all of it by default)."""

    reason = forms.CharField(
        label=_("Reason of the correction"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    amount = forms.DecimalField(
        label=_("Amount taken back (€, all of it if empty)"),
        decimal_places=2,
        max_digits=12,
        required=False,
    )
