"""Delegations: created and revoked only here, each ledgered (issue 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import append
from governance.organisations.models import Arml, Mandate, Person
from permissions.models import Delegation


def delegable_actions() -> list[tuple[str, str]]:
    """(action name, label) of every transition of every lifecycle, for the delegation form."""
    from permissions.authorization import ACTS
    from workflows.selectors import lifecycle_models
    from workflows.specs import specs_of

    choices = [("*", _("Every action I may perform"))]
    for model in lifecycle_models():
        for spec in specs_of(model).values():
            choices.append((spec.action_name, f"{model._meta.verbose_name} — {spec.label}"))
    for name, declared in sorted(ACTS.items()):
        choices.append((name, str(declared.label)))
    return choices


@transaction.atomic
def delegation_create(
    *,
    actor: Person,
    principal: Person,
    delegate: Person,
    arml: Arml,
    transitions: Iterable[str],
    start: dt.date,
    end: dt.date,
    reason: str,
    act_reference: str = "",
    act_date: dt.date | None = None,
) -> Delegation:
    if actor != principal and not actor.is_superuser:
        raise PermissionDenied(_("Only the principal can delegate their own powers."))
    actions = sorted(set(transitions))
    known = {name for name, _label in delegable_actions()}
    unknown = [a for a in actions if a not in known]
    if not actions or unknown:
        raise ValidationError({"transitions": _("Choose at least one known action.")})
    if not Mandate.objects.active(start).filter(person=principal, arml=arml).exists():
        raise ValidationError(_("The principal holds no mandate in this ARML at that date."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the delegation.")})
    delegation = Delegation(
        principal=principal,
        delegate=delegate,
        arml=arml,
        transitions=actions,
        start=start,
        end=end,
        reason=reason.strip(),
        act_reference=act_reference.strip(),
        act_date=act_date,
        created_by=actor,
    )
    delegation.full_clean()
    delegation.save()
    append(
        action="delegation.created",
        actor=actor,
        principal=principal,
        obj=delegation,
        arml=arml,
        comment=delegation.reason,
        data={
            "delegate": delegate.pk,
            "delegate_name": str(delegate),
            "transitions": actions,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "act_reference": delegation.act_reference,
            "act_date": act_date.isoformat() if act_date else None,
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: Person, delegation: Delegation, reason: str = "") -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if actor.pk != delegation.principal_id and not actor.is_superuser:
        raise PermissionDenied(_("Only the principal can revoke their delegation."))
    if delegation.revoked_at is not None:
        raise ValidationError(_("This delegation is already revoked."))
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    append(
        action="delegation.revoked",
        actor=actor,
        principal=delegation.principal,
        obj=delegation,
        arml=delegation.arml,
        comment=reason,
        data={"delegate": delegation.delegate_id},
    )
    return delegation


def delegations_of(user: Person) -> QuerySet[Delegation]:
    """Given or received by `user`, newest first."""
    return (
        (Delegation.objects.filter(principal=user) | Delegation.objects.filter(delegate=user))
        .select_related("principal", "delegate", "arml")
        .order_by("-start", "-pk")
    )
