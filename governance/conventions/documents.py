"""The facts the CPOM's and the amendments' PDFs print. Every document of a versioned object
names its content version ("v3") in its title and its footer (`version`), and its hash."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from workflows.lifecycle import TransitionContext
from workflows.specs import spec_for


def _dated(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def parties(arml: Any, funders: Any) -> list[dict[str, str]]:
    """The parties of a CPOM or an amendment as the "Entre" block names them: the ARML first,
    represented by its president, then each funder, represented by the officer who holds its
    mandate in the ARML (their names copied into the document, as every fact)."""
    from governance.organisations.models import Mandate, Role

    funders = list(funders)
    mandates = (
        Mandate.objects.active()
        .filter(arml=arml)
        .filter(
            Q(role=Role.PRESIDENT)
            | Q(
                role__in=[Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER],
                funder__in=funders,
            )
        )
        .select_related("person")
        .order_by("start", "pk")
    )
    president, officers = None, {}
    for mandate in mandates:
        if mandate.role == Role.PRESIDENT:
            president = president or mandate
        else:
            officers.setdefault(mandate.funder_id, mandate)

    def who(mandate: Any) -> str:
        if mandate is None:
            return ""
        return f"{mandate.person}, {mandate.title or Role(mandate.role).label}"

    def described(kind: str, mandate: Any) -> str:
        # the participle agrees with the party as French names it: l'association, l'État (m.),
        # la Région, l'agence… (f.)
        if mandate is None:
            return kind
        if kind_is_masculine(kind):
            return _("%(kind)s, represented (m.) by %(person)s") % {
                "kind": kind,
                "person": who(mandate),
            }
        return _("%(kind)s, represented (f.) by %(person)s") % {
            "kind": kind,
            "person": who(mandate),
        }

    seat = (
        _("association under the law of 1901, %(address)s") % {"address": arml.address}
        if arml.address
        else _("association under the law of 1901")
    )
    result = [{"name": arml.name, "description": described(str(seat), president)}]
    for funder in funders:
        result.append(
            {
                "name": str(funder),
                "description": described(str(funder.get_kind_display()), officers.get(funder.pk)),
            }
        )
    return result


def kind_is_masculine(kind: str) -> bool:
    """État and Conseil régional are masculine; the region, the agencies, the directions and
    the funds (CARSAT: la caisse) are feminine (French agreement of « représenté·e »)."""
    return kind.split()[0].lower() in {"état", "state", "conseil", "regional", "autre", "other"}


def convention_facts(convention: Any, name: str, ctx: TransitionContext) -> dict[str, Any]:
    content = convention.content
    if content is None:
        return {}
    facts = content.document_facts()
    facts["version"] = content.label
    facts["parties"] = parties(convention.arml, content.parties.all())
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
        "parties": parties(amendment.arml, convention.parties.all()) if convention else [],
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
