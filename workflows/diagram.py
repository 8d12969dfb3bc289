"""The lifecycle diagram of a model, as SVG, generated from its django-fsm transitions.

States are laid out by their distance from the initial state; terminal exits (rejected,
abandoned…) sit on a lower row. The current state is filled *and* labelled, so colour is not the
only signal (RGAA 3.1).
"""

from __future__ import annotations

from collections import defaultdict, deque
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from workflows.specs import specs_of

if TYPE_CHECKING:
    from workflows.lifecycle import Lifecycle

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 132, 44, 36, 40, 12


@cache
def _layout(model: type[Lifecycle]) -> tuple[dict[str, tuple[int, int]], list[tuple[str, str]]]:
    field: Any = model._meta.get_field(model.state_field_name)
    initial = field.get_default()
    edges = sorted(
        {(src, spec.target) for spec in specs_of(model).values() for src in spec.sources}
    )
    outgoing: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        outgoing[src].add(dst)
    depth = {initial: 0}
    queue = deque([initial])
    while queue:
        state = queue.popleft()
        for nxt in sorted(outgoing[state]):
            if nxt not in depth:
                depth[nxt] = depth[state] + 1
                queue.append(nxt)
    states = [value for value, _label in field.flatchoices]
    terminal = {s for s in states if not outgoing[s]}
    main_end = max((depth.get(s, 0) for s in terminal), default=0)
    positions: dict[str, tuple[int, int]] = {}
    rows_used: dict[int, int] = defaultdict(int)
    exits = [s for s in states if s in terminal and depth.get(s, 0) != main_end]
    for state in states:
        if state in exits:
            continue
        col = depth.get(state, 0)
        positions[state] = (col, rows_used[col])
        rows_used[col] += 1
    exit_row = max(rows_used.values(), default=1)
    for i, state in enumerate(exits):
        positions[state] = (i * 2 + 1, exit_row)
    return positions, edges


def lifecycle_svg(model: type[Lifecycle], current: str | None = None) -> str:
    positions, edges = _layout(model)
    state_field: Any = model._meta.get_field(model.state_field_name)
    labels = dict(state_field.flatchoices)
    cols = max(c for c, _r in positions.values()) + 1
    rows = max(r for _c, r in positions.values()) + 1
    width = PAD * 2 + cols * BOX_W + (cols - 1) * GAP_X
    height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y

    def box(state: str) -> tuple[float, float]:
        col, row = positions[state]
        return PAD + col * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y)

    title = _("Lifecycle: %(states)s") % {"states": ", ".join(str(labels[s]) for s in positions)}
    if current:
        title += ". " + _("Current state: %(state)s.") % {"state": labels.get(current, current)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="lifecycle-title">',
        f'<title id="lifecycle-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#495057"/></marker></defs>',
    ]
    for src, dst in edges:
        (x1, y1), (x2, y2) = box(src), box(dst)
        sx, sy = x1 + BOX_W / 2, y1 + BOX_H / 2
        ex, ey = x2 + BOX_W / 2, y2 + BOX_H / 2
        # Leave from the side facing the target, end on the target's edge.
        if abs(ex - sx) >= abs(ey - sy):
            sx += BOX_W / 2 if ex > sx else -BOX_W / 2
            ex -= BOX_W / 2 if ex > x1 + BOX_W / 2 else -BOX_W / 2
        else:
            sy += BOX_H / 2 if ey > sy else -BOX_H / 2
            ey -= BOX_H / 2 if ey > y1 + BOX_H / 2 else -BOX_H / 2
        parts.append(
            f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" stroke="#868e96" '
            'stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    for state in positions:
        x, y = box(state)
        is_current = state == current
        fill, stroke, text = (
            ("#0b3d91", "#0b3d91", "#ffffff") if is_current else ("#f8f9fa", "#495057", "#212529")
        )
        weight = "bold" if is_current else "normal"
        label = escape(str(labels.get(state, state)))
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if is_current else 1}"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + (18 if is_current else 27)}" '
            f'text-anchor="middle" font-family="sans-serif" font-size="12" '
            f'font-weight="{weight}" fill="{text}">{label}</text>'
        )
        if is_current:
            marker = escape(_("(current state)"))
            parts.append(
                f'<text x="{x + BOX_W / 2:.0f}" y="{y + 35}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="10" fill="{text}">'
                f"{marker}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
