"""The lifecycle diagram (issue 15): generated from the state machine, laid out by grandalf in
layers, labels of 12 px or more inside their boxes, no two boxes overlapping, the current state
filled and named."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from governance.action_plans.models import ActionPlan
from governance.conventions.models import Convention
from governance.meetings.models import Meeting
from governance.programmes.models import Programme
from workflows import diagram
from workflows.specs import specs_of

MODELS = [Convention, Meeting, ActionPlan, Programme]


def boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """The state boxes (outer rectangles: the ones with a stroke width of 1 or 3)."""
    found = re.findall(
        r'<g><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"', svg
    )
    return [tuple(map(float, b)) for b in found]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_state_and_transition_of_the_machine_is_drawn(model):
    svg = diagram.lifecycle_svg(model)
    field = model._meta.get_field(model.state_field_name)
    assert len(boxes(svg)) == len(field.flatchoices)
    edges = {
        (src, spec.target)
        for spec in specs_of(model).values()
        for src in spec.sources
        if src != spec.target
    }
    assert svg.count('marker-end="url(#arrow)"') == len(edges)
    text = re.sub(r"<[^>]+>", " ", svg)
    for _value, label in field.flatchoices:
        for word in str(label).split():
            assert word.replace("'", "&#x27;") in text or word in svg, word


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_labels_are_12_px_or_more_and_fit_their_boxes(model):
    svg = diagram.lifecycle_svg(model, current=model._meta.get_field("state").get_default())
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= 12
    layout = diagram._layout(model, "fr")
    for state, (w, _h) in layout["sizes"].items():
        for line in diagram._lines(layout["labels"][state]):
            assert len(line) * diagram.CHAR_PX <= w - 2 * diagram.BOX_PAD_X + 0.5, line


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_two_boxes_overlap_and_all_lie_inside_the_picture(model):
    svg = diagram.lifecycle_svg(model)
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    found = boxes(svg)
    for i, (x, y, w, h) in enumerate(found):
        assert x >= 0 and y >= 0 and x + w <= width + 1 and y + h <= height + 1
        for x2, y2, w2, h2 in found[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_the_layers_follow_the_lifecycle_and_the_current_state_is_marked():
    svg = diagram.lifecycle_svg(Convention, current="in_force")
    layout = diagram._layout(Convention, "fr")
    y = {state: pos[1] for state, pos in layout["positions"].items()}
    assert y["draft"] < y["in_consultation"] < y["in_negotiation"] < y["adopted"] < y["in_force"]
    assert svg.count('fill="#0b3d91"') == 1  # one box filled: the current state
    assert "(état actuel)" in svg and "État actuel : En vigueur." in svg
