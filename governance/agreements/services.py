"""Writes of the register of regulated agreements: the automatic flag (inside the transition
that concludes the agreement, so both stand or fall together) and the declaration by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.agreements import rules
from governance.agreements.models import AgreementRegister, Origin, RegulatedAgreement, amount_of
from governance.organisations.models import Arml, Mandate, MissionLocale, Person, Role
from workflows import errors
from workflows.acts import record, refusals_ledgered, require


def register_of(arml: Arml, year: int) -> AgreementRegister:
    register, _created = AgreementRegister.objects.get_or_create(arml=arml, year=year)
    return register


def capacity_sentence(role: str, ml: MissionLocale) -> str:
    with override("fr"):
        return f"{Role(role).label} — {ml.name}"


def flag_agreement(
    source: Any,
    *,
    arml: Arml,
    counterparties: Iterable[MissionLocale],
    subject: str,
    amount: Any,
    actor: Person,
    principal: Person | None = None,
    on: dt.date | None = None,
) -> list[RegulatedAgreement]:
    """Enter in the register every (administrator, counterparty) the mandates known today make
    regulated. Returns the entries written (none when no administrator is concerned)."""
    mls = {ml.pk: ml for ml in counterparties}
    if not mls:
        return []
    day = on or timezone.localdate()
    board = Mandate.objects.active(day).filter(arml=arml, role__in=rules.ADMINISTRATORS)
    sides = Mandate.objects.active(day).filter(
        mission_locale_id__in=mls, role__in=rules.COUNTERPARTY_ROLES
    )
    interests = rules.interested_administrators(
        board.values_list("person_id", "role"),
        sides.values_list("person_id", "mission_locale_id", "role"),
        mls,
    )
    if not interests:
        return []
    people = Person.objects.in_bulk({i.person_id for i in interests})
    register = register_of(arml, day.year)
    kind = ContentType.objects.get_for_model(source)
    written = []
    for interest in interests:
        ml, person = mls[interest.mission_locale_id], people[interest.person_id]
        if RegulatedAgreement.objects.filter(
            source_type=kind,
            source_id=str(source.pk),
            counterparty_ml=ml,
            administrator=person,
            origin=Origin.AUTOMATIC,
        ).exists():
            continue
        entry = RegulatedAgreement.objects.create(
            register=register,
            arml=arml,
            counterparty=ml.name,
            counterparty_ml=ml,
            administrator=person,
            administrator_name=str(person),
            capacity=capacity_sentence(interest.role, ml),
            subject=subject[:300],
            amount=amount_of(amount),
            concluded_on=day,
            origin=Origin.AUTOMATIC,
            source_type=kind,
            source_id=str(source.pk),
            source_label=str(source)[:255],
        )
        written.append(entry)
        record(
            register,
            "agreement_flagged",
            actor=actor,
            principal=principal or actor,
            data={"entry": entry.pk, **entry.canonical(), "source": entry.source_label},
        )
    return written


def flag_on_transition(outcome: Any) -> None:
    """Engine hook (inside the transition's transaction): a lifecycle whose transition
    concludes an agreement with Missions Locales declares it (`agreement_on`)."""
    obj = outcome.obj
    if outcome.spec.name not in getattr(type(obj), "agreement_on", ()):
        return
    subject, amount = obj.agreement_terms()
    flag_agreement(
        obj,
        arml=obj.arml,
        counterparties=obj.agreement_counterparties(),
        subject=subject,
        amount=amount,
        actor=outcome.event.actor,
        principal=outcome.principal.person,
    )


@refusals_ledgered("declare", lambda kw: kw["arml"])
@transaction.atomic
def regulated_agreement_declare(
    *,
    actor: Person,
    arml: Arml,
    counterparty: str,
    subject: str,
    concluded_on: dt.date,
    administrator_name: str,
    capacity: str,
    amount: Any = None,
    counterparty_ml: MissionLocale | None = None,
    administrator: Person | None = None,
    request_info: Mapping[str, str] | None = None,
) -> RegulatedAgreement:
    """An agreement the application cannot see (another association, a company, a mandate it
    does not hold), declared by the director or the president."""
    principal = require(actor, arml, rules.DECLARE, arml_id=arml.pk)
    problems: dict[str, list[str]] = {}
    if counterparty_ml is not None and counterparty_ml.arml_id != arml.pk:
        problems["counterparty_ml"] = [_("This Mission Locale belongs to another ARML.")]
    if not (counterparty or "").strip() and counterparty_ml is None:
        problems["counterparty"] = [_("Name the counterparty.")]
    if not (subject or "").strip():
        problems["subject"] = [_("Say what the agreement is about.")]
    if not (administrator_name or "").strip() and administrator is None:
        problems["administrator_name"] = [_("Name the administrator concerned.")]
    if concluded_on > timezone.localdate():
        problems["concluded_on"] = [_("An agreement cannot be dated in the future.")]
    if problems:
        message = " ".join(m for ms in problems.values() for m in ms)
        raise errors.InvalidData(message, code="invalid_data", details=problems)
    register = register_of(arml, concluded_on.year)
    entry = RegulatedAgreement.objects.create(
        register=register,
        arml=arml,
        counterparty=(counterparty or "").strip() or counterparty_ml.name,  # type: ignore[union-attr]
        counterparty_ml=counterparty_ml,
        administrator=administrator,
        administrator_name=(administrator_name or "").strip() or str(administrator),
        capacity=capacity.strip(),
        subject=subject.strip(),
        amount=amount_of(amount),
        concluded_on=concluded_on,
        origin=Origin.DECLARED,
        declared_by=actor,
    )
    record(
        register,
        "agreement_declared",
        actor=actor,
        principal=principal,
        data={"entry": entry.pk, **entry.canonical()},
        request_info=request_info,
    )
    return entry
