"""The lifecycle diagram of a model, as SVG, generated from its django-fsm transitions.

The states are laid out in layers, top to bottom, by grandalf's Sugiyama layout (pure Python, so
setup stays pip-only): each layer is a phase of the lifecycle (the first state, what follows it,
…), the order within layers is chosen to reduce crossing arrows, and an arrow running over
several layers bends through the gaps rather than across boxes. Labels are 13 px, wrapped on
two lines when long, in boxes sized to them. The current state is filled *and* labelled "(current
state)", so colour is not the only signal (RGAA 3.1); final states have a double border.
"""

from __future__ import annotations

import math
import textwrap
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout, VertexViewer

from workflows.specs import specs_of

if TYPE_CHECKING:
    from workflows.lifecycle import Lifecycle

FONT_PX = 13  # issue 15: labels at least 12 px
SMALL_PX = 12
CHAR_PX = 7.4  # average advance of a 13 px sans-serif character (DejaVu Sans, Arial)
LINE_PX = 17
WRAP = 22  # characters per line before a label wraps
BOX_PAD_X, BOX_PAD_Y, MIN_W = 14, 10, 110
GAP_X, GAP_Y, PAD = 28, 46, 14


class _EdgeView:
    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = [tuple(p) for p in points]


def _lines(label: str) -> list[str]:
    return textwrap.wrap(label, WRAP, break_long_words=False) or [label]


def _box(lines: list[str], current: bool) -> tuple[float, float]:
    """Width and height of a state's box: its text, and room for the "(current state)" line
    (kept for every box, so that the layout does not depend on which state is current)."""
    width = max(MIN_W, max(len(line) for line in lines) * CHAR_PX + 2 * BOX_PAD_X)
    height = 2 * BOX_PAD_Y + (len(lines) + 1) * LINE_PX
    return width, height


@cache
def _layout(model: type[Lifecycle], language: str | None) -> dict[str, Any]:
    """Positions of the states and paths of the arrows (cached per model and language: the
    labels' lengths, hence the boxes, depend on the language)."""
    field: Any = model._meta.get_field(model.state_field_name)
    labels = {value: str(label) for value, label in field.flatchoices}
    states = list(labels)
    initial = field.get_default()
    edges = sorted(
        {
            (src, spec.target)
            for spec in specs_of(model).values()
            for src in spec.sources
            if src != spec.target and src in labels and spec.target in labels
        }
    )
    vertices = {state: Vertex(state) for state in states}
    for state, vertex in vertices.items():
        vertex.view = VertexViewer(*_box(_lines(labels[state]), False))
    graph_edges = []
    for src, dst in edges:
        edge = Edge(vertices[src], vertices[dst])
        edge.view = _EdgeView()
        graph_edges.append(edge)
    graph = Graph(list(vertices.values()), graph_edges)

    positions: dict[str, tuple[float, float]] = {}
    paths: dict[tuple[str, str], list[tuple[float, float]]] = {}
    offset_x = 0.0
    # The component of the initial state first; each component laid out beside the previous.
    components = sorted(graph.C, key=lambda c: initial not in [v.data for v in c.sV])
    for component in components:
        sugiyama = SugiyamaLayout(component)
        sugiyama.xspace, sugiyama.yspace = GAP_X, GAP_Y
        roots = [v for v in component.sV if v.data == initial] or None
        sugiyama.init_all(roots=roots)
        sugiyama.draw(3)
        # The bounds of the boxes and of the bends of the arrows (dummy vertices of long edges).
        bends = [p for e in component.sE for p in getattr(e.view, "points", [])]
        xs = [v.view.xy[0] - v.view.w / 2 for v in component.sV] + [x for x, _y in bends]
        xe = [v.view.xy[0] + v.view.w / 2 for v in component.sV] + [x for x, _y in bends]
        ys = [v.view.xy[1] - v.view.h / 2 for v in component.sV] + [y for _x, y in bends]
        dx, dy = offset_x - min(xs), -min(ys)
        for v in component.sV:
            positions[v.data] = (v.view.xy[0] + dx, v.view.xy[1] + dy)
        for e in component.sE:
            src, dst = e.v[0].data, e.v[1].data
            points = [(x + dx, y + dy) for x, y in getattr(e.view, "points", [])]
            if (src, dst) not in set(edges):  # an edge grandalf turned round to break a cycle
                src, dst = dst, src
            if points and _dist(points[0], positions[src]) > _dist(points[0], positions[dst]):
                points.reverse()
            paths[(src, dst)] = points
        offset_x += max(xe) - min(xs) + GAP_X * 2
    sizes = {s: (vertices[s].view.w, vertices[s].view.h) for s in states}
    return {"positions": positions, "paths": paths, "sizes": sizes, "labels": labels}


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _clip(
    center: tuple[float, float], size: tuple[float, float], toward: tuple[float, float]
) -> tuple[float, float]:
    """Where the segment from a box's centre toward a point leaves the box."""
    (cx, cy), (w, h) = center, size
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return center
    scale = min(
        (w / 2) / abs(dx) if dx else math.inf,
        (h / 2) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def lifecycle_svg(model: type[Lifecycle], current: str | None = None) -> str:
    """The diagram, `current` state marked: the same for every page of that model in that
    state and language, so written once per process (a hundred elements each time otherwise)."""
    return _svg(model, current, get_language())


@cache
def _svg(model: type[Lifecycle], current: str | None, language: str | None) -> str:
    layout = _layout(model, language)
    positions, paths, sizes, labels = (
        layout["positions"],
        layout["paths"],
        layout["sizes"],
        layout["labels"],
    )
    outgoing = {src for src, _dst in paths}
    bends = [p for points in paths.values() for p in points]
    width = max([x + sizes[s][0] / 2 for s, (x, _y) in positions.items()] + [x for x, _ in bends])
    height = max([y + sizes[s][1] / 2 for s, (_x, y) in positions.items()] + [y for _, y in bends])
    width, height = width + 2 * PAD, height + 2 * PAD

    title = _("Lifecycle: %(states)s") % {"states": ", ".join(labels[s] for s in positions)}
    if current:
        title += ". " + _("Current state: %(state)s.") % {"state": labels.get(current, current)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="lifecycle-title" '
        f'font-family="sans-serif" font-size="{FONT_PX}">',
        f'<title id="lifecycle-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#495057"/></marker></defs>',
    ]
    for (src, dst), points in sorted(paths.items()):
        if len(points) < 2:
            points = [positions[src], positions[dst]]
        points = [(x + PAD, y + PAD) for x, y in points]
        src_c = (positions[src][0] + PAD, positions[src][1] + PAD)
        dst_c = (positions[dst][0] + PAD, positions[dst][1] + PAD)
        points[0] = _clip(src_c, sizes[src], points[1])
        points[-1] = _clip(dst_c, sizes[dst], points[-2])
        d = "M" + " L".join(f"{x:.0f},{y:.0f}" for x, y in points)
        parts.append(
            f'<path d="{d}" fill="none" stroke="#6c757d" stroke-width="1.3" '
            'marker-end="url(#arrow)"/>'
        )
    for state, (cx, cy) in positions.items():
        w, h = sizes[state]
        x, y = cx - w / 2 + PAD, cy - h / 2 + PAD
        is_current = state == current
        fill, stroke, ink = (
            ("#0b3d91", "#0b3d91", "#ffffff") if is_current else ("#f8f9fa", "#495057", "#212529")
        )
        lines = _lines(labels[state])
        parts.append(
            f'<g><rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if is_current else 1}"/>'
        )
        if state not in outgoing:  # a final state: a second border inside the first
            parts.append(
                f'<rect x="{x + 3:.0f}" y="{y + 3:.0f}" width="{w - 6:.0f}" height="{h - 6:.0f}" '
                f'rx="4" fill="none" stroke="{stroke}" stroke-width="1"/>'
            )
        # Text lines centred in the box; the "(current state)" line takes the last slot.
        shown = len(lines) + (1 if is_current else 0)
        top = y + h / 2 - shown * LINE_PX / 2 + LINE_PX * 0.75
        weight = ' font-weight="bold"' if is_current else ""
        for i, line in enumerate(lines):
            parts.append(
                f'<text x="{x + w / 2:.0f}" y="{top + i * LINE_PX:.0f}" text-anchor="middle"'
                f'{weight} fill="{ink}">{escape(line)}</text>'
            )
        if is_current:
            parts.append(
                f'<text x="{x + w / 2:.0f}" y="{top + len(lines) * LINE_PX:.0f}" '
                f'text-anchor="middle" font-size="{SMALL_PX}" fill="{ink}">'
                f"{escape(_('(current state)'))}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
