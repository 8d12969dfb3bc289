"""Step 4 of perform(): the transition's signed document, from the lifecycle's facts.

Common facts (ARML, reference, version, who acted for whom, from → to, comment, time) are set
here once; each lifecycle adds its own through `document_facts()`. The actor signs the first
field; the other expected signers (spec.signers) countersign later through their own steps.
documents/ knows nothing of mandates: this module tells it in which capacity each person signs
(`Capacity`), for whom (`DelegationEvidence`) and which ARML a document belongs to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from documents.capacity import Capacity, DelegationEvidence
from documents.exceptions import DocumentError, RenderTimeout
from documents.models import Document
from documents.services import countersign, issue
from governance.organisations.models import Mandate, Role
from permissions.authorization import Principal
from workflows import errors
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import TransitionSpec


def acting_role(principal: Principal, spec: TransitionSpec) -> str:
    """The role the principal acts in for this step (deterministic when they hold several)."""
    return sorted(principal.roles & spec.roles)[0]


def signer_capacity(person: Any, role: str, arml: Any) -> Capacity:
    """The capacity `person` holds `role` in: their active mandate (in this ARML first) names
    the organisation (funder, Mission Locale or ARML) and, if recorded, the exact title."""
    mandates = (
        Mandate.objects.active()
        .filter(person=person, role=role)
        .select_related("funder", "mission_locale", "arml")
        .order_by("pk")
    )
    mandate = next((m for m in mandates if m.arml_id == getattr(arml, "pk", None)), None)
    mandate = mandate or next(iter(mandates), None)
    with override(settings.LANGUAGE_CODE):
        label = str(Role(role).label) if role in Role.values else role
    if mandate is None:
        return Capacity(role, label)
    organisation = mandate.funder or mandate.mission_locale or mandate.arml
    return Capacity(role, mandate.title or label, organisation.name)


def delegation_evidence(principal: Principal) -> DelegationEvidence | None:
    """What a signature by delegation records and shows: for whom (the principal's title, as
    « Pour la Préfète de région et par délégation » prints it), under which act, since when."""
    delegation = principal.delegation
    if delegation is None:
        return None
    # The title the principal's mandate records (« Préfète de la région Bretagne »), if any.
    title = (
        Mandate.objects.active()
        .filter(person=principal.person, arml_id=delegation.arml_id, role__in=principal.roles)
        .exclude(title="")
        .order_by("pk")
        .values_list("title", flat=True)
        .first()
        or ""
    )
    with override(settings.LANGUAGE_CODE):
        reference = delegation.evidence() or _("delegation no. %(n)s") % {"n": delegation.pk}
        whom = (
            _("%(title)s (%(name)s)") % {"title": title, "name": principal.person}
            if title
            else str(principal.person)
        )
    return DelegationEvidence(
        principal=whom,
        reference=str(reference),
        start=delegation.start,
        end=delegation.end,
        reason=delegation.reason,
    )


def transition_facts(
    obj: Lifecycle,
    spec: TransitionSpec,
    ctx: TransitionContext,
    principal: Principal,
    from_state: str,
) -> dict[str, Any]:
    with override(settings.LANGUAGE_CODE):
        actor = ctx.actor
        on_behalf = str(principal.person) if principal.delegation is not None else ""
        when = formats.date_format(ctx.now, "DATETIME_FORMAT") if ctx.now else ""
        transition = {
            "object": obj.ledger_label(),
            "action": str(spec.label),
            "from_state": obj.state_label(from_state),
            "to_state": obj.state_label(),
            "actor": str(actor),
            "on_behalf_of": (
                _("%(principal)s — by delegation of %(date)s")
                % {"principal": on_behalf, "date": principal.delegation.start.strftime("%d/%m/%Y")}
                if principal.delegation is not None
                else ""
            ),
            "at": when,
            "comment": ctx.comment,
        }
        facts: dict[str, Any] = {
            "arml": {"name": obj.arml.name, "address": obj.arml.address},
            "title": f"{spec.label} — {obj.ledger_label()}",
            "reference": obj.reference(),
            # no "version" here: the count of transitions is not a version of anything a reader
            # knows; versioned content (a CPOM, an amendment) sets its own ("v3")
            "date": ctx.now.isoformat() if ctx.now else "",
            "transition": transition,
        }
        facts.update(obj.document_facts(spec.name, ctx))
    return facts


def issue_for_transition(
    obj: Lifecycle,
    spec: TransitionSpec,
    ctx: TransitionContext,
    principal: Principal,
    from_state: str,
) -> Any:
    if spec.countersign:
        return countersign_for_transition(obj, spec, ctx, principal)
    role = acting_role(principal, spec)
    facts = transition_facts(obj, spec, ctx, principal, from_state)
    with override(settings.LANGUAGE_CODE):
        slots = [
            {"field": s.field, "role": s.role, "label": str(s.label), "name": ""}
            for s in spec.signers
        ] or [
            {
                "field": "signature_1",
                "role": role,
                "label": str(Role(role).label),
                "name": _signer_name(ctx, principal),
            }
        ]
    mine = next((slot for slot in slots if slot["role"] in principal.roles & spec.roles), slots[0])
    try:
        return issue(
            obj=obj,
            kind=spec.document,
            facts=facts,
            actor=ctx.actor,
            role=mine["role"] or role,  # a slot open to any role: the one acted in
            capacity=signer_capacity(principal.person, mine["role"] or role, obj.arml),
            signer_slots=slots,
            on_behalf_of=principal.person if principal.delegation is not None else None,
            delegation=delegation_evidence(principal),
            sign_field=mine["field"],
            title=facts["title"],
            arml=obj.arml,
            second_factor=_factor_kind(ctx),
        )
    except RenderTimeout as exc:
        raise errors.RenderTimeout(str(exc)) from exc
    except DocumentError as exc:
        raise errors.DocumentFailed(
            _("The signed document could not be produced; nothing was changed. (%(reason)s)")
            % {"reason": exc}
        ) from exc


def _factor_kind(ctx: TransitionContext) -> str:
    """The kind of second factor that confirmed this act, for the signature row ("" if none)."""
    return ctx.second_factor.kind if ctx.second_factor is not None else ""


def _signer_name(ctx: TransitionContext, principal: Principal) -> str:
    """The name under the signature: the signer's, or by delegation « Pour <the principal> et
    par délégation (<the delegating act>, à compter du …), <the delegate>, <their title> »."""
    evidence = delegation_evidence(principal)
    if evidence is None or principal.delegation is None:
        return str(ctx.actor)
    from documents.appearance import delegation_line

    title = (
        Mandate.objects.active()
        .filter(person=ctx.actor, arml_id=principal.delegation.arml_id)
        .exclude(title="")
        .order_by("pk")
        .values_list("title", flat=True)
        .first()
    )
    values = {"delegation": delegation_line(evidence), "delegate": ctx.actor, "title": title}
    if title:
        return _("%(delegation)s, %(delegate)s, %(title)s") % values
    return _("%(delegation)s, %(delegate)s") % values


def current_document(obj: Lifecycle, kind: str) -> Document | None:
    """The object's latest document of `kind` that is not superseded."""
    from django.contrib.contenttypes.models import ContentType

    return (
        Document.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            kind=kind,
            supersession__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def open_slot(document: Document, roles: frozenset[str]) -> dict[str, str] | None:
    """The first unsigned signature field meant for one of `roles`."""
    signed = set(
        document.versions.filter(signature__isnull=False).values_list("signature__field", flat=True)
    )
    return next(
        (s for s in document.signer_slots if s["role"] in roles and s["field"] not in signed), None
    )


def countersign_for_transition(
    obj: Lifecycle, spec: TransitionSpec, ctx: TransitionContext, principal: Principal
) -> Any:
    """Fill the principal's field on the current version of the `spec.countersign` document."""
    document = current_document(obj, spec.countersign)
    if document is None and spec.signers:
        # Parallel signers (three-party acceptance): whoever comes first issues the document
        # with every party's field; the flow lock serialises the branches.
        return issue_for_transition(
            obj, replace(spec, countersign="", document=spec.countersign), ctx, principal, obj.state
        )
    slot = open_slot(document, principal.roles & spec.roles) if document else None
    if document is None or slot is None:
        raise errors.InvalidState(_("There is no signature field awaiting you on this document."))
    latest = document.versions.order_by("-n").first()
    assert latest is not None  # a document is created with its first version
    try:
        return countersign(
            version=latest,
            field=slot["field"],
            actor=ctx.actor,
            role=slot["role"],
            capacity=signer_capacity(principal.person, slot["role"], obj.arml),
            on_behalf_of=principal.person if principal.delegation is not None else None,
            delegation=delegation_evidence(principal),
            second_factor=_factor_kind(ctx),
        )
    except DocumentError as exc:
        raise errors.DocumentFailed(
            _("The signature could not be added; nothing was changed. (%(reason)s)")
            % {"reason": exc}
        ) from exc
