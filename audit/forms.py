from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.widgets import QuickSelect


class LedgerFilterForm(forms.Form):
    arml: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("ARML"), queryset=None, required=False, empty_label=_("All"), widget=QuickSelect
    )
    # Codes stay the values (the filter is a prefix of the stored code); readers see labels.
    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    object_type = forms.CharField(label=_("Kind of object"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
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
        actions, kinds = _choices()
        # ninety options: written in Python, not through a template each (config/widgets.py)
        self.fields["action"].widget = QuickSelect(choices=actions)
        self.fields["object_type"].widget = QuickSelect(choices=kinds)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The actions (every event of each kind of object) and the kinds of object, in French
    (config.labels: the one map of codes to labels)."""
    from django.apps import apps

    from config import labels

    everything = [("", str(_("All")))]
    actions, kinds = list(everything), list(everything)
    for model in apps.get_models():
        prefix = getattr(model, "ledger_prefix", "")
        if not prefix:
            continue
        kind = labels.object_type_label(model._meta.label_lower)
        kinds.append((model._meta.label_lower, kind))
        actions.append((f"{prefix}.", str(_("%(kind)s: every event") % {"kind": kind})))
        codes = labels.event_codes_of(model)
        actions += [
            (code, _("%(kind)s: %(event)s") % {"kind": kind, "event": labels.event_label(code)})
            for code in codes
        ]
    return actions, sorted(kinds, key=lambda c: (c[0] != "", c[1]))
