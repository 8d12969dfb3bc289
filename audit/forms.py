from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LedgerFilterForm(forms.Form):
    arml: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("ARML"), queryset=None, required=False, empty_label=_("All")
    )
    action = forms.CharField(
        label=_("Action code"),
        required=False,
        max_length=100,
        help_text=_("A prefix, e.g. action_plan."),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(label=_("Actor (name or id)"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, armls: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arml"].queryset = armls  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
