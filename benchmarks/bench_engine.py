"""A full signed transition (perform: lock, authorise, move, document, ledger) vs the bare
render + sign of the same document. Goal (issue 4): perform / (render + sign) ≤ 1.25."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

ROUNDS = 25


def run() -> None:
    from django.utils import timezone

    from documents import signing
    from documents.renderers import get_renderer
    from governance.action_plans.models import ActionPlan
    from governance.organisations.models import Arml, MissionLocale, Person, Region, Role
    from governance.organisations.services import mandate_create
    from permissions.authorization import candidates
    from workflows.documents import signer_capacity, transition_facts
    from workflows.engine import perform
    from workflows.lifecycle import TransitionContext
    from workflows.specs import spec_for

    region = Region.objects.create(code="E1", name="Bench moteur")
    arml = Arml.objects.create(region=region, name="ARML Bench moteur", short_name="Bench moteur")
    ml = MissionLocale.objects.create(arml=arml, name="ML Bench", city="Rennes")
    start = timezone.localdate() - dt.timedelta(days=1)
    president = Person.objects.create(
        username="bench-pres", first_name="Annick", last_name="Le Goff"
    )
    director = Person.objects.create(username="bench-dir", first_name="Gaëlle", last_name="Riou")
    mandate_create(person=president, role=Role.PRESIDENT, arml=arml, start=start)
    mandate_create(
        person=director, role=Role.ML_DIRECTOR, arml=arml, mission_locale=ml, start=start
    )

    def new_plan() -> ActionPlan:
        return ActionPlan.objects.create(
            arml=arml,
            mission_locale=ml,
            submitted_by=director,
            title="Forum régional de l'emploi",
            summary="Trois journées.",
            budget=Decimal("12500.00"),
            state="opinion_given",
        )

    plans = [new_plan() for _ in range(ROUNDS + 1)]
    perform(plans.pop(), "approve", actor=president)  # warm-up: PKI, fonts, keys

    # The same document, rendered and signed with nothing around it.
    probe = new_plan()
    spec = spec_for(probe, "approve")
    principal = candidates(president, arml.pk, spec.action_name)[0]
    ctx = TransitionContext(
        actor=president, principal=president, comment="Accord", now=timezone.now()
    )
    facts = transition_facts(probe, spec, ctx, principal, probe.state)
    facts["signers"] = [
        {
            "field": "signature_1",
            "role": Role.PRESIDENT,
            "label": "Présidente",
            "name": str(president),
        }
    ]
    renderer = get_renderer(spec.document)

    def bare_render_and_sign() -> None:
        layout = renderer.render_with_layout(facts)
        box = layout.boxes["signature_1"]
        signing.prepare_and_sign(
            layout.content,
            placements=[signing.FieldPlacement("signature_1", "Présidente", box.page, box.rect)],
            sign_field="signature_1",
            person=president,
            capacity=signer_capacity(president, Role.PRESIDENT, arml),
            reason="",
        )

    # Interleaved, so that load from elsewhere on the machine hits both sides alike.
    full, bare = [], []
    for plan in plans:
        t0 = time.perf_counter()
        perform(plan, "approve", actor=president, comment="Accord")
        t1 = time.perf_counter()
        bare_render_and_sign()
        t2 = time.perf_counter()
        full.append((t1 - t0) * 1000)
        bare.append((t2 - t1) * 1000)

    m_full, m_bare = statistics.median(full), statistics.median(bare)
    print(f"perform(approve), full signed transition: median {m_full:7.1f} ms  ({ROUNDS} rounds)")
    print(f"bare render + sign of the same document : median {m_bare:7.1f} ms")
    print(f"ratio perform / (render + sign)         : {m_full / m_bare:5.2f}   (goal <= 1.25)")
