"""The document kinds the workflows issue. Each reads only its facts (see Renderer)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from documents.renderers.base import (
    CONTENT_WIDTH,
    Renderer,
    Styles,
    as_decimal,
    bullet_list,
    format_amount,
    format_date,
    heading,
    paragraph,
    table,
)


def _meeting_lines(meeting: dict[str, Any]) -> list[str]:
    lines = []
    if meeting.get("body"):
        lines.append(_("Body: %(body)s") % {"body": meeting["body"]})
    if meeting.get("date"):
        when = format_date(meeting["date"])
        if meeting.get("time"):
            when = _("%(date)s at %(time)s") % {"date": when, "time": meeting["time"]}
        lines.append(_("Date: %(date)s") % {"date": when})
    if meeting.get("place"):
        lines.append(_("Place: %(place)s") % {"place": meeting["place"]})
    return lines


def _vote_text(vote: dict[str, Any] | None) -> str:
    if not vote:
        return ""
    return _("Votes for: %(for)s, against: %(against)s, abstentions: %(abstain)s.") % {
        "for": vote.get("for", 0),
        "against": vote.get("against", 0),
        "abstain": vote.get("abstain", 0),
    }


class ActRenderer(Renderer):
    """Generic record of a transition: who moved what from which state to which."""

    kind = "act"
    filename_prefix = "acte"

    def kind_label(self) -> str:
        return _("Record")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        transition = facts.get("transition") or {}
        rows = [[_("Item"), _("Value")]]
        for key, label in (
            ("object", _("Object")),
            ("action", _("Action")),
            ("from_state", _("Previous state")),
            ("to_state", _("New state")),
            ("actor", _("By")),
            ("on_behalf_of", _("On behalf of")),
            ("at", _("At")),
            ("comment", _("Comment")),
        ):
            if transition.get(key):
                rows.append([label, transition[key]])
        if len(rows) == 1:
            return []
        return [
            heading(_("Transition"), styles),
            table(rows, styles, widths=[45 * mm, CONTENT_WIDTH - 45 * mm]),
        ]


class ActionPlanRenderer(Renderer):
    """An action plan, as proposed or as decided (facts['stage'] = 'proposal' | 'decision')."""

    kind = "action_plan"
    filename_prefix = "plan-d-actions"

    def kind_label(self) -> str:
        return _("Action plan")

    def subtitle(self, facts: dict[str, Any]) -> str:
        if facts.get("stage") == "decision":
            return _("Decision")
        return _("Proposal")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        actions = facts.get("actions") or []
        flow: list[Flowable] = []
        if actions:
            rows: list[list[Any]] = [
                [_("No."), _("Action"), _("Owner"), _("Due date"), _("Budget")]
            ]
            for i, action in enumerate(actions, 1):
                budget = action.get("budget")
                rows.append(
                    [
                        i,
                        action.get("title", ""),
                        action.get("owner", ""),
                        format_date(action.get("due")),
                        format_amount(budget) if budget not in (None, "") else "",
                    ]
                )
            flow += [
                heading(_("Actions"), styles),
                table(
                    rows,
                    styles,
                    numeric_from=4,
                    widths=[10 * mm, CONTENT_WIDTH - 105 * mm, 40 * mm, 25 * mm, 30 * mm],
                ),
            ]
        if facts.get("decision"):
            flow += [heading(_("Decision"), styles), paragraph(facts["decision"], styles)]
        return flow


class ConvocationRenderer(Renderer):
    kind = "convocation"
    filename_prefix = "convocation"

    def kind_label(self) -> str:
        return _("Notice of meeting")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = [heading(_("Meeting"), styles)]
        flow += bullet_list(_meeting_lines(facts.get("meeting") or {}), styles)
        agenda = facts.get("agenda") or []
        if agenda:
            flow.append(heading(_("Agenda"), styles))
            flow += [paragraph(f"{i}. {item}", styles) for i, item in enumerate(agenda, 1)]
        invitees = facts.get("invitees") or []
        if invitees:
            flow.append(heading(_("Invited"), styles))
            flow += bullet_list(invitees, styles)
        return flow


class MinutesRenderer(Renderer):
    kind = "minutes"
    filename_prefix = "proces-verbal"

    def kind_label(self) -> str:
        return _("Minutes")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = [heading(_("Meeting"), styles)]
        flow += bullet_list(_meeting_lines(facts.get("meeting") or {}), styles)
        label: Callable[[int], str]
        for key, label in (
            ("present", lambda n: ngettext("Present (%(n)d)", "Present (%(n)d)", n)),
            ("represented", lambda n: ngettext("Represented (%(n)d)", "Represented (%(n)d)", n)),
            ("absent", lambda n: ngettext("Absent (%(n)d)", "Absent (%(n)d)", n)),
            (
                "unknown",
                lambda n: ngettext("Not recorded (%(n)d)", "Not recorded (%(n)d)", n),
            ),
        ):
            people = facts.get(key) or []
            if people:
                heading_ = label(len(people)) % {"n": len(people)}
                flow.append(paragraph(f"{heading_} : " + ", ".join(map(str, people)), styles))
        if facts.get("quorum"):
            flow.append(paragraph(facts["quorum"], styles))
        for i, item in enumerate(facts.get("items") or [], 1):
            flow.append(heading(f"{i}. {item.get('title', '')}", styles))
            if item.get("text"):
                flow.append(paragraph(item["text"], styles))
            if item.get("vote"):
                flow.append(paragraph(_vote_text(item["vote"]), styles))
            if item.get("outcome"):
                flow.append(paragraph(item["outcome"], styles))
        notes = facts.get("notes") or []
        if notes:
            flow.append(Spacer(1, 3 * mm))
            flow += [Paragraph(escape(str(note)), styles.hint) for note in notes]
        return flow


class ExtractRenderer(Renderer):
    """Extract of the register of deliberations: one deliberation, certified."""

    kind = "extract"
    filename_prefix = "extrait-deliberation"

    def kind_label(self) -> str:
        return _("Extract of deliberation")

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = bullet_list(_meeting_lines(facts.get("meeting") or {}), styles)
        deliberation = facts.get("deliberation") or {}
        title = deliberation.get("title", "")
        if deliberation.get("number"):
            title = _("Deliberation no. %(n)s: %(title)s") % {
                "n": deliberation["number"],
                "title": title,
            }
        flow.append(heading(title, styles))
        if deliberation.get("text"):
            flow.append(paragraph(deliberation["text"], styles))
        if deliberation.get("vote"):
            flow.append(paragraph(_vote_text(deliberation["vote"]), styles))
        flow.append(paragraph(_("Certified true extract."), styles))
        return flow


class FundingTableMixin:
    def funding_table(self, funding: list[dict[str, Any]], styles: Styles) -> list[Flowable]:
        """Year × funder, with totals per year (last column) and per funder (last row)."""
        if not funding:
            return []
        years = sorted({str(line["year"]) for line in funding})
        funders = list(OrderedDict.fromkeys(str(line["funder"]) for line in funding))
        cells: dict[tuple[str, str], Decimal] = {}
        for line in funding:
            key = (str(line["year"]), str(line["funder"]))
            cells[key] = cells.get(key, Decimal(0)) + as_decimal(line["amount"])
        rows: list[list[Any]] = [[_("Year"), *funders, _("Total")]]
        for year in years:
            values = [cells.get((year, f), Decimal(0)) for f in funders]
            rows.append([year, *map(format_amount, values), format_amount(sum(values))])
        per_funder = [
            sum((cells.get((y, f), Decimal(0)) for y in years), Decimal(0)) for f in funders
        ]
        rows.append([_("Total"), *map(format_amount, per_funder), format_amount(sum(per_funder))])
        first = 20 * mm
        other = (CONTENT_WIDTH - first) / (len(funders) + 1)
        return [
            heading(_("Funding"), styles),
            table(
                rows,
                styles,
                widths=[first] + [other] * (len(funders) + 1),
                bold_last_row=True,
                numeric_from=1,
            ),
        ]


class ConventionRenderer(FundingTableMixin, Renderer):
    """Multi-year objectives and means convention (CPOM), with its funding table."""

    kind = "convention"
    filename_prefix = "convention"

    def kind_label(self) -> str:
        return _("Convention")

    def subtitle(self, facts: dict[str, Any]) -> str:
        period = facts.get("period") or {}
        if period.get("start") and period.get("end"):
            return _("Period from %(start)s to %(end)s") % {
                "start": format_date(period["start"]),
                "end": format_date(period["end"]),
            }
        return ""

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = []
        for i, article in enumerate(facts.get("articles") or [], 1):
            flow.append(
                heading(
                    _("Article %(n)s — %(title)s") % {"n": i, "title": article.get("title", "")},
                    styles,
                )
            )
            flow.append(paragraph(article.get("text", ""), styles))
        return flow + self.funding_table(facts.get("funding") or [], styles)


class AmendmentRenderer(FundingTableMixin, Renderer):
    kind = "amendment"
    filename_prefix = "avenant"

    def kind_label(self) -> str:
        return _("Amendment")

    def subtitle(self, facts: dict[str, Any]) -> str:
        if facts.get("convention_reference"):
            return _("Amendment no. %(n)s to convention %(ref)s") % {
                "n": facts.get("number", 1),
                "ref": facts["convention_reference"],
            }
        return ""

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        flow: list[Flowable] = []
        changes = facts.get("changes") or []
        if changes:
            flow.append(heading(_("Changes"), styles))
            for i, change in enumerate(changes, 1):
                flow.append(
                    paragraph(
                        _("Article %(n)s — %(title)s") % {"n": i, "title": change.get("title", "")},
                        styles,
                    )
                )
                flow.append(paragraph(change.get("text", ""), styles))
        flow += self.funding_table(facts.get("funding") or [], styles)
        flow.append(
            paragraph(_("All other provisions of the convention remain unchanged."), styles)
        )
        return flow
