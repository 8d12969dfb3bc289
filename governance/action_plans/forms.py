from django import forms
from django.utils.translation import gettext_lazy as _

from governance.action_plans.models import ActionPlan
from governance.organisations.models import MissionLocale
from governance.programmes.models import ProgrammeAction, ProgrammeState


class ActionPlanForm(forms.ModelForm):
    """A director drafts a plan for their own Mission Locale; beneficiaries are in the ARML."""

    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "summary",
            "objectives",
            "budget",
            "starts_on",
            "ends_on",
            "beneficiaries",
            "programme_action",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "beneficiaries": forms.CheckboxSelectMultiple,
        }
        help_texts = {"budget": _("In euros, two decimals.")}

    def __init__(self, *args, mission_locale: MissionLocale, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.mission_locale = mission_locale
        self.fields["beneficiaries"].queryset = MissionLocale.objects.filter(
            arml=mission_locale.arml_id
        )
        self.fields["programme_action"].queryset = ProgrammeAction.objects.filter(
            programme__arml=mission_locale.arml_id
        ).exclude(programme__state=ProgrammeState.CLOSED)
