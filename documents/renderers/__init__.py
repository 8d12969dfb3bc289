"""Renderers: one per document kind, all sharing the layout in `base`.

filename, content = get_renderer("convention").render(facts)
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.exceptions import DocumentError
from documents.renderers.base import (
    Renderer,
    RenderResult,
    SignatureBox,
    canonical_facts,
    facts_sha256,
    format_amount,
    register_fonts,
)
from documents.renderers.kinds import (
    ActionPlanRenderer,
    ActRenderer,
    AmendmentRenderer,
    ConventionRenderer,
    ConvocationRenderer,
    ExtractRenderer,
    MinutesRenderer,
)

RENDERERS: dict[str, type[Renderer]] = {
    cls.kind: cls
    for cls in (
        ActRenderer,
        ActionPlanRenderer,
        ConvocationRenderer,
        MinutesRenderer,
        ExtractRenderer,
        ConventionRenderer,
        AmendmentRenderer,
    )
}


def register(*classes: type[Renderer]) -> None:
    """Add renderers defined next to the lifecycle that issues them."""
    RENDERERS.update({cls.kind: cls for cls in classes})


def get_renderer(kind: str) -> Renderer:
    try:
        return RENDERERS[kind]()
    except KeyError:
        raise DocumentError(_("Unknown document kind: %(kind)s") % {"kind": kind}) from None


__all__ = [
    "RENDERERS",
    "Renderer",
    "RenderResult",
    "SignatureBox",
    "canonical_facts",
    "facts_sha256",
    "format_amount",
    "get_renderer",
    "register",
    "register_fonts",
]

from documents.renderers.dialogues import ConclusionsRenderer, DialogueFileRenderer  # noqa: E402

register(DialogueFileRenderer, ConclusionsRenderer)

from documents.renderers.programmes import EvaluationRenderer, ProgrammeRenderer  # noqa: E402

RENDERERS.update({cls.kind: cls for cls in (ProgrammeRenderer, EvaluationRenderer)})

from documents.renderers.finances import FinancialReportRenderer  # noqa: E402

register(FinancialReportRenderer)
from documents.renderers.dues import DuesCallRenderer  # noqa: E402

register(DuesCallRenderer)
