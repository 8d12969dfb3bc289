"""config.widgets.QuickSelect writes the HTML Django's select templates write."""

from __future__ import annotations

import pytest
from django import forms

from config.widgets import QuickSelect

CHOICES = [
    ("", "Tous"),
    ("a&b", "L'« ARML » <b>"),
    ("Groupe", [("g1", "Un"), ("g2", "Deux")]),
    (3, "Trois"),
]


@pytest.mark.parametrize("value", [None, "", "a&b", "g2", 3, "absent"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "data-x": '"q"', "disabled": True, "hidden": False}]
)
def test_the_same_html_as_django_s_select(value, attrs):
    django_html = forms.Select(choices=CHOICES, attrs=attrs).render("field", value)
    quick_html = QuickSelect(choices=CHOICES, attrs=attrs).render("field", value)
    assert quick_html == django_html
    assert "<option" in quick_html


def test_a_model_choice_field_renders_the_same(db):
    from governance.organisations.models import Region

    Region.objects.create(code="99", name="Terre & <Mer>")
    field = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    expected = field.widget.render("region", None)
    field.widget = QuickSelect(choices=field.choices)
    assert field.widget.render("region", None) == expected
    assert "Terre &amp; &lt;Mer&gt;" in expected
