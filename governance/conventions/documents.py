"""The facts the CPOM's and the amendments' PDFs print. Every document of a versioned object
names its content version ("v3") in its title and its footer (`version`), and its hash."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from workflows.lifecycle import TransitionContext
from workflows.specs import spec_for


def _dated(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def convention_facts(convention: Any, name: str, ctx: TransitionContext) -> dict[str, Any]:
    content = convention.content
    if content is None:
        return {}
    facts = content.document_facts()
    facts["version"] = content.label
    spec = spec_for(convention, name)
    if name == "sign":
        facts["title"] = f"{_('Multi-year objectives and means convention')} — {content.label}"
    elif spec.document == "convention":
        facts["title"] = f"{content.title} — {content.label}"
    else:  # a record of the act (agreement, termination…): its own title, not the articles
        facts["title"] = f"{spec.label} — {convention.reference()} {content.label}"
        facts.pop("articles", None)
        facts.pop("funding", None)
    body = _body(convention, name, ctx, content)
    if body:
        facts["body"] = body
    return facts


def _body(convention: Any, name: str, ctx: TransitionContext, content: Any) -> list[str]:
    version = {"v": content.label, "hash": content.sha256}
    if name in ("freeze", "freeze_on_agreement"):
        lines = [_("Frozen draft: content version %(v)s, SHA-256 %(hash)s.") % version]
        if name == "freeze_on_agreement":
            lines += [
                _("Technical agreement of %(funder)s on %(v)s: %(person)s, on %(date)s.")
                % {
                    "funder": a.funder,
                    "v": content.label,
                    "person": a.principal,
                    "date": _dated(a.agreed_at),
                }
                for a in convention.agreements.filter(version=content).select_related(
                    "funder", "principal"
                )
            ]
        return lines
    if name == "request_agreement":
        return [
            _(
                "The State and the Region are asked for their technical agreement on content "
                "version %(v)s (SHA-256 %(hash)s); the draft is frozen once both agreed."
            )
            % version
        ]
    if name == "agree":
        return [_("Technical agreement on content version %(v)s (SHA-256 %(hash)s).") % version]
    if name == "terminate":
        return [
            _("Termination notified on %(notified)s by %(party)s.")
            % {"notified": _dated(convention.termination_notified_on), "party": ctx.principal},
            _("Reason: %(reason)s") % {"reason": ctx.comment},
            _(
                "Takes effect on %(date)s (notice period of %(months)s months); the convention "
                "stays in force until then."
            )
            % {"date": _dated(convention.terminates_on), "months": content.notice_months},
        ]
    if name == "end_by_termination":
        return [
            _("The convention ends on %(date)s, as notified on %(notified)s.")
            % {
                "date": _dated(convention.terminates_on),
                "notified": _dated(convention.termination_notified_on),
            }
        ]
    return []


def amendment_facts(amendment: Any, name: str) -> dict[str, Any]:
    content = amendment.content
    convention = amendment.convention.content
    label = content.label if content else ""
    facts: dict[str, Any] = {
        "title": _("Amendment no. %(n)s to %(ref)s — %(v)s")
        % {"n": amendment.number, "ref": amendment.convention.reference(), "v": label},
        "version": label,
        "convention_reference": amendment.convention.reference(),
        "number": amendment.number,
        "parties": [
            {"name": str(f), "description": f.get_kind_display()} for f in convention.parties.all()
        ]
        if convention
        else [],
        "changes": [
            {"title": _("Funding for %(year)s") % {"year": amendment.year}, "text": text}
            for text in [(content.changes if content else "").strip()]
            if text
        ],
        "funding": [
            {
                "year": amendment.year,
                "funder": str(line.funder),
                "function": line.function,
                "amount": str(line.amount),
            }
            for line in amendment.lines.select_related("funder").order_by("funder", "function")
        ],
        "content_version": content.n if content else None,
        "content_sha256": content.sha256 if content else "",
    }
    refused = amendment.refused_version
    if content is not None and content.n > 1:
        facts["body"] = [
            _("Version %(v)s of amendment no. %(n)s, revised after the refusal of %(prev)s.")
            % {"v": label, "n": amendment.number, "prev": f"v{refused}"}
            if refused
            else _("Version %(v)s of amendment no. %(n)s.") % {"v": label, "n": amendment.number}
        ]
    return facts
