"""Forms of the meeting pages: plan a meeting with its agenda, add an item, second convocation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.meetings.models import ItemKind
from governance.meetings.selectors import subject_choices
from governance.organisations import limits
from governance.organisations.models import Body

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=limits.LINE, required=False)
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=limits.LINE
    )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("place") or data.get("video_link")):
            self.add_error("place", _("Give a place or a video link."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item title"), max_length=limits.LINE, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.DELIBERATION
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.TEXT,
    )
    subject = forms.ChoiceField(label=_("Decides on"), required=False)

    def __init__(self, *args: Any, arml_ids: list[int] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [("", _("— nothing in particular —"))]
        for arml_id in arml_ids:
            choices += subject_choices(arml_id)
        self.fields["subject"].choices = choices


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=4, max_num=30)


class SecondConvocationForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=limits.LINE, required=False)
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=limits.LINE
    )
