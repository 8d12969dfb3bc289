"""Writes on conventions (CPOM) and amendments outside transitions.

Content is never edited in place: each save is a new numbered version with its hash, ledgered
with its number (workflows.versions). Amounts are Decimals end to end (no float ever touches
money).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.conventions.models import (
    Agreement,
    Amendment,
    AmendmentLine,
    AmendmentVersion,
    Convention,
    ConventionState,
    ConventionVersion,
    FundingLine,
    IndicatorTarget,
    LineComment,
)
from governance.conventions.models.conventions import DEFAULT_NOTICE_MONTHS, IN_FORCE_STATES
from governance.conventions.rules import COMMENT, DRAFT
from governance.organisations.models import (
    Arml,
    Function,
    Funder,
    Indicator,
    Mandate,
    Person,
    Role,
)
from permissions.rules import represented_funders
from workflows.acts import record, refusals_ledgered, require
from workflows.versions import Origin, diff_versions, next_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineInput:
    year: int
    funder: Funder
    function: int
    amount: Decimal


@dataclass(frozen=True)
class TargetInput:
    indicator: Indicator
    year: int
    target: Decimal


@dataclass
class Content:
    title: str
    start_year: int
    end_year: int
    parties: list[Funder]
    objectives: dict[str, str] = field(default_factory=dict)
    lines: list[LineInput] = field(default_factory=list)
    targets: list[TargetInput] = field(default_factory=list)
    notice_months: int = DEFAULT_NOTICE_MONTHS


# -- writes -------------------------------------------------------------------------------


def _validate(content: Content, arml: Arml) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if not content.title.strip():
        errors["title"].append(_("Give the convention a title."))
    if content.end_year < content.start_year:
        errors["end_year"].append(_("The last year cannot be before the first year."))
    elif content.end_year - content.start_year > 9:
        errors["end_year"].append(_("A convention lasts ten years at most."))
    if not 0 <= content.notice_months <= 24:
        errors["notice_months"].append(_("The notice period is between 0 and 24 months."))
    kinds = {f.kind for f in content.parties}
    if not {"state", "region"} <= kinds:
        errors["parties"].append(_("The State and the Region are parties to every CPOM."))
    if any(f.region_id != arml.region_id for f in content.parties):
        errors["parties"].append(_("Every party must act in the ARML's region."))
    years = set(range(content.start_year, content.end_year + 1))
    party_ids = {f.pk for f in content.parties}
    seen = set()
    for line in content.lines:
        key = (line.year, line.funder.pk, line.function)
        if line.year not in years:
            errors["lines"].append(_("Year %(year)s is outside the period.") % {"year": line.year})
        if line.funder.pk not in party_ids:
            errors["lines"].append(_("%(funder)s is not a party.") % {"funder": line.funder})
        if line.function not in Function.values:
            errors["lines"].append(_("Unknown function %(n)s.") % {"n": line.function})
        if line.amount < 0 or line.amount != line.amount.quantize(Decimal("0.01")):
            errors["lines"].append(_("Amounts are positive, in euros with two decimals."))
        if key in seen:
            errors["lines"].append(_("Two lines for the same year, funder and function."))
        seen.add(key)
    for target in content.targets:
        if target.year not in years:
            errors["targets"].append(
                _("Year %(year)s is outside the period.") % {"year": target.year}
            )
    if errors:
        raise ValidationError({k: sorted(set(v)) for k, v in errors.items()})


def _write_version(
    convention: Convention,
    content: Content,
    actor: Person,
    *,
    origin: str = Origin.REVISED,
    note: str = "",
) -> ConventionVersion:
    version = ConventionVersion.objects.create(
        convention=convention,
        n=next_number(convention.versions.all()),
        title=content.title.strip(),
        start_year=content.start_year,
        end_year=content.end_year,
        notice_months=content.notice_months,
        objectives={str(k): v for k, v in content.objectives.items() if v},
        sha256="",
        origin=origin,
        note=note,
        created_by=actor,
    )
    version.parties.set(content.parties)
    FundingLine.objects.bulk_create(
        [
            FundingLine(
                version=version,
                year=line.year,
                funder=line.funder,
                function=line.function,
                amount=line.amount,
            )
            for line in content.lines
        ]
    )
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(version=version, indicator=t.indicator, year=t.year, target=t.target)
            for t in content.targets
        ]
    )
    version.seal()
    convention._content = version
    return version


@refusals_ledgered("create", lambda kw: kw["arml"])
@transaction.atomic
def convention_create(*, actor: Person, arml: Arml, content: Content) -> Convention:
    require(actor, arml, DRAFT)
    _validate(content, arml)
    convention = Convention.objects.create(arml=arml)
    version = _write_version(convention, content, actor, origin=Origin.DRAFTED)
    record(
        convention,
        "created",
        actor=actor,
        created=True,
        data={"content_version": version.n, "content_sha256": version.sha256},
    )
    return convention


@refusals_ledgered("save_content", lambda kw: kw["convention"])
@transaction.atomic
def convention_save_content(
    *, actor: Person, convention: Convention, content: Content
) -> ConventionVersion:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    principal = require(actor, convention, DRAFT)
    if not convention.is_editable:
        raise ValidationError(
            _("The content can only change while it is drafted or negotiated (now: %(state)s).")
            % {"state": convention.get_state_display()},
            code="not_editable",
        )
    _validate(content, convention.arml)
    previous = convention.content
    if convention.state == ConventionState.AWAITING_AGREEMENT:
        # A new version makes the agreements asked on the previous one moot (issue 14.2).
        from workflows.engine import perform

        convention = perform(
            convention,
            "withdraw_agreement_request",
            actor=actor,
            comment=_("A new version of the content cancels the agreements asked on %(v)s.")
            % {"v": previous.label},
        ).obj
    version = _write_version(convention, content, actor)
    changes = diff_versions(previous, version).counts() if previous else {}
    record(
        convention,
        "content_saved",
        actor=actor,
        principal=principal,
        data={
            "content_version": version.n,
            "content_sha256": version.sha256,
            "previous_version": previous.n if previous else None,
            "changes": changes,
        },
    )
    return version


def content_of(version: ConventionVersion) -> Content:
    return Content(
        title=version.title,
        start_year=version.start_year,
        end_year=version.end_year,
        parties=list(version.parties.all()),
        objectives=dict(version.objectives),
        lines=[
            LineInput(li.year, li.funder, li.function, li.amount)
            for li in version.funding_lines.all()
        ],
        targets=[TargetInput(t.indicator, t.year, t.target) for t in version.targets.all()],
        notice_months=version.notice_months,
    )


def supersede_current_document(obj: Any, kind: str, *, reason: str) -> None:
    from documents.services import supersede
    from workflows.documents import current_document

    document = current_document(obj, kind)
    if document is not None:
        supersede(document=document, reason=reason)


def reopen_after_refusal(*, convention: Convention, actor: Person, reason: str) -> None:
    """A refusal supersedes the signed version (its signatures stay verifiable) and starts a new
    content version from the refused one, to renegotiate."""
    supersede_current_document(convention, "convention", reason=reason)
    _write_version(
        convention, content_of(convention.content), actor, origin=Origin.REOPENED, note=reason
    )
    convention.frozen_hash = ""


def agreement_record(*, convention: Convention, actor: Person, principal: Person) -> Agreement:
    """Within the `agree` transition: the principal's funder agrees on the current version."""
    represented = represented_funders(principal, convention.arml_id)
    funder = (
        convention.content.parties.filter(pk__in=represented, kind__in=["state", "region"])
        .order_by("kind")
        .first()
    )
    if funder is None:  # is_a_party_officer let them through: a mandate without a party funder
        raise ValidationError(_("You do not represent the State or the Region on this convention."))
    return Agreement.objects.create(
        convention=convention,
        version=convention.content,
        funder=funder,
        principal=principal,
        actor=actor,
    )


@refusals_ledgered("comment", lambda kw: kw["convention"])
@transaction.atomic
def convention_comment(
    *, actor: Person, convention: Convention, line: str, text: str, version: int | None = None
) -> LineComment:
    """A funder's officer comments one line of a negotiated version (issue 14.2)."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    principal = require(actor, convention, COMMENT)
    if not convention.is_negotiating:
        raise ValidationError(
            _("Versions are commented during consultation and negotiation (now: %(state)s).")
            % {"state": convention.get_state_display()},
            code="not_negotiating",
        )
    target = convention.versions.filter(n=version).first() if version else convention.content
    if target is None:
        raise ValidationError(
            _("There is no version %(n)s.") % {"n": f"v{version}"}, code="unknown_version"
        )
    keys = {li.key for li in target.diff_lines()} | {"general"}
    if line not in keys:
        raise ValidationError(
            _("Version %(v)s has no line “%(line)s”.") % {"v": target.label, "line": line},
            code="unknown_line",
        )
    if not text.strip():
        raise ValidationError(_("Write the comment."), code="empty_comment")
    funders = represented_funders(principal.person, convention.arml_id)
    funder = target.parties.filter(pk__in=funders).order_by("kind").first()
    if funder is None:  # a party of the current version, not of the one commented
        raise ValidationError(
            _("You do not represent a funder that is a party to this version."), code="not_a_party"
        )
    comment = LineComment.objects.create(
        version=target, line=line, text=text.strip(), funder=funder, author=principal.person
    )
    record(
        convention,
        "line_commented",
        actor=actor,
        principal=principal,
        comment=comment.text,
        data={
            "content_version": target.n,
            "content_sha256": target.sha256,
            "line": line,
            "funder": funder.pk,
            "line_comment": comment.pk,
        },
    )
    return comment


@refusals_ledgered("create_amendment", lambda kw: kw["convention"])
@transaction.atomic
def amendment_create(
    *,
    actor: Person,
    convention: Convention,
    year: int,
    changes: str,
    lines: Iterable[Mapping[str, Any]],
) -> Amendment:
    """A drafter's amendment of a convention in force."""
    require(actor, convention, DRAFT)
    return amendment_open(
        actor=actor, convention=convention, year=year, changes=changes, lines=lines
    )


@transaction.atomic
def amendment_open(
    *,
    actor: Person,
    convention: Convention,
    year: int,
    changes: str,
    lines: Iterable[Mapping[str, Any]],
    data: Mapping[str, Any] | None = None,
) -> Amendment:
    """Number (under the convention's row lock), create and ledger a draft amendment. Callers
    decide who may: a drafter (amendment_create) or a concluded management dialogue."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.state not in IN_FORCE_STATES:
        raise ValidationError(_("Only a convention in force can be amended."), code="not_in_force")
    if year not in convention.content.years:
        raise ValidationError({"year": _("This year is outside the convention's period.")})
    number = (convention.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        arml=convention.arml, convention=convention, number=number, year=year
    )
    version = _amendment_version(amendment, changes, lines, actor, origin=Origin.DRAFTED)
    record(
        amendment,
        "created",
        actor=actor,
        created=True,
        data={
            "year": year,
            "content_version": version.n,
            "content_sha256": version.sha256,
            **(data or {}),
        },
    )
    return amendment


@refusals_ledgered("save_content", lambda kw: kw["amendment"])
@transaction.atomic
def amendment_revise(
    *, actor: Person, amendment: Amendment, changes: str, lines: Iterable[Mapping[str, Any]]
) -> AmendmentVersion:
    """A new version of a draft amendment (after a refusal: its lines revised against the
    refused version's)."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    principal = require(actor, amendment, DRAFT)
    if amendment.state != "draft":
        raise ValidationError(
            _("An amendment changes only in draft (now: %(state)s).")
            % {"state": amendment.get_state_display()},
            code="not_editable",
        )
    previous = amendment.content
    version = _amendment_version(amendment, changes, lines, actor)
    record(
        amendment,
        "content_saved",
        actor=actor,
        principal=principal,
        data={
            "content_version": version.n,
            "content_sha256": version.sha256,
            "previous_version": previous.n if previous else None,
            "changes": diff_versions(previous, version).counts() if previous else {},
        },
    )
    return version


def amendment_reopen(*, amendment: Amendment, actor: Person, reason: str) -> AmendmentVersion:
    """Within the `refuse` transition: the signed PDF is superseded (its signatures stay
    verifiable) and the refused content becomes the next version of the same amendment, in
    draft, to revise."""
    supersede_current_document(amendment, "amendment", reason=reason)
    refused = amendment.content
    return _amendment_version(
        amendment,
        refused.changes,
        [
            {"funder": li.funder, "function": li.function, "amount": li.amount}
            for li in refused.lines.all()
        ],
        actor,
        origin=Origin.REOPENED,
        note=reason,
    )


def _amendment_version(
    amendment: Amendment,
    changes: str,
    lines: Iterable[Mapping[str, Any]],
    actor: Person,
    *,
    origin: str = Origin.REVISED,
    note: str = "",
) -> AmendmentVersion:
    version = AmendmentVersion.objects.create(
        amendment=amendment,
        n=next_number(amendment.versions.all()),
        changes=changes.strip(),
        sha256="",
        origin=origin,
        note=note,
        created_by=actor,
    )
    parties = amendment.convention.party_funder_ids()
    rows = party_lines(AmendmentLine, parties, lines, version=version)
    seen = set()
    for row in rows:
        if (row.funder_id, row.function) in seen:
            raise ValidationError({"lines": _("Two lines for the same funder and function.")})
        seen.add((row.funder_id, row.function))
    AmendmentLine.objects.bulk_create(rows)
    version.seal()
    amendment._content = version
    return version


def party_lines(
    model: type[Any], parties: Iterable[int], lines: Iterable[Mapping[str, Any]], **owner: Any
) -> list[Any]:
    """Unsaved `model` rows (AmendmentLine, DialogueLine…) for funding lines of the parties,
    refused if a funder is not a party or an amount is not positive euros with two decimals."""
    parties = set(parties)
    rows = []
    for line in lines:
        amount = Decimal(str(line["amount"]))
        if line["funder"].pk not in parties:
            raise ValidationError(
                {"lines": _("%(funder)s is not a party.") % {"funder": line["funder"]}}
            )
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"lines": _("Amounts are positive, in euros with two decimals.")})
        rows.append(
            model(funder=line["funder"], function=int(line["function"]), amount=amount, **owner)
        )
    return rows


# -- termination (issue 13.15) ---------------------------------------------------------------


def termination_recipients(convention: Convention, *, by: Person) -> list[Person]:
    """The other parties: the officers of the funders party to the convention and the ARML's
    president, with an e-mail address, but not the person who terminated."""
    parties = convention.party_funder_ids()
    mandates = (
        Mandate.objects.active()
        .filter(arml_id=convention.arml_id)
        .filter(
            Q(role=Role.PRESIDENT)
            | Q(
                role__in=[Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER],
                funder_id__in=parties,
            )
        )
        .select_related("person")
    )
    people = {m.person for m in mandates if m.person.email and m.person.is_active}
    return sorted((p for p in people if p.pk != by.pk), key=lambda p: p.pk)


def notify_termination(
    *, convention: Convention, by: Person, reason: str, effective_on: dt.date
) -> int:
    """Notify a termination to the other parties, one e-mail each (Django's mail API, the
    room's templates). One function, so that the notification centre can route it later.
    Called after commit: the termination stands whatever the mail server says."""
    recipients = termination_recipients(convention, by=by)
    if not recipients:
        return 0
    with override(settings.LANGUAGE_CODE):
        context = {
            "convention": convention,
            "reference": convention.reference(),
            "by": by,
            "reason": reason,
            "effective_on": effective_on,
            "notified_on": convention.termination_notified_on or timezone.localdate(),
            "notice_months": convention.content.notice_months,
            "url": convention.get_absolute_url(),
        }
        subject = render_to_string(
            "governance/conventions/email/termination_subject.txt", context
        ).strip()
        body = render_to_string("governance/conventions/email/termination_body.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [p.email]) for p in recipients]
    try:
        return send_mass_mail(messages, fail_silently=False)
    except Exception:  # after commit: the termination stands; say so loudly
        log.exception("could not notify the termination of %s", convention)
        return 0


def terminations_due(now: dt.datetime | None = None) -> list[Convention]:
    """End the conventions whose notified termination takes effect by `now` (the deadlines
    runner calls this daily; `manage.py conventions end-terminations` too). Each through the
    engine, in its own transaction, for the party that terminated: one failure does not stop
    the others."""
    from workflows.engine import perform_automatic

    day = timezone.localdate(now) if now else timezone.localdate()
    ended = []
    due = Convention.objects.filter(
        state=ConventionState.TERMINATING, terminates_on__lte=day
    ).select_related("terminated_by", "arml")
    for convention in due.order_by("terminates_on", "pk"):
        try:
            outcome = perform_automatic(
                convention,
                "end_by_termination",
                actor=convention.terminated_by,
                principal=convention.terminated_by,
                task=None,
            )
        except Exception:
            log.exception("could not end the terminated convention %s", convention)
            continue
        ended.append(outcome.obj)
    return ended
