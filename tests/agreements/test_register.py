"""Issue 14.7: an agreement with an ML one of the ARML's administrators presides is flagged
by itself when the action plan is approved; others are declared; the register goes on the
general assembly's agenda and into its convocation pack, the auditor reports, the assembly
rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import Document
from documents.services import read_verified
from governance.action_plans.services import action_plan_create
from governance.agreements.models import AgreementRegister, Origin, RegulatedAgreement
from governance.meetings import services as meetings
from governance.meetings.selectors import agenda_subjects
from governance.organisations.models import BodyKind, Role
from tests.decisions import board_adopts
from tests.documents.pdftext import extract_text
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    MissionLocaleFactory,
    PersonFactory,
    give_mandate,
    person_with_role,
)
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        self.arml = a = ArmlFactory()
        self.ml = MissionLocaleFactory(arml=a, name="Mission Locale de Montpellier")
        self.other_ml = MissionLocaleFactory(arml=a, name="Mission Locale de Rodez")
        self.ca = BodyFactory(arml=a, kind=BodyKind.CA)
        self.ag = BodyFactory(arml=a, kind=BodyKind.AG)
        self.president = person_with_role(Role.PRESIDENT, a)
        self.director = person_with_role(Role.ARML_DIRECTOR, a)
        self.staff = person_with_role(Role.ARML_STAFF, a)
        self.chair = person_with_role(Role.COMMITTEE_CHAIR, a)
        self.auditor = person_with_role(Role.AUDITOR, a)
        self.ml_director = person_with_role(Role.ML_DIRECTOR, a, mission_locale=self.ml)
        # Carole Garcia sits on the board and presides the Mission Locale de Montpellier.
        self.garcia = PersonFactory(first_name="Carole", last_name="Garcia")
        give_mandate(self.garcia, Role.BOARD_MEMBER, a, body=self.ca)
        give_mandate(self.garcia, Role.ML_PRESIDENT, a, mission_locale=self.ml)
        give_mandate(self.garcia, Role.BOARD_MEMBER, a, body=self.ag)

    def approved_plan(self, ml=None, budget="12000.00"):
        plan = action_plan_create(
            actor=self.ml_director,
            mission_locale=self.ml,
            beneficiaries=[ml] if ml else [],
            title="Référents santé",
            summary="Former les référents santé.",
            budget=Decimal(budget),
        )
        plan = perform(plan, "propose", actor=self.ml_director).obj
        plan = perform(plan, "start_review", actor=self.staff).obj
        plan = perform(
            plan, "give_opinion", actor=self.chair, comment="Avis.", data={"opinion": "favourable"}
        ).obj
        return perform(plan, "approve", actor=self.president).obj


@pytest.fixture
def world():
    return World()


def test_approving_a_plan_with_an_ml_a_board_member_presides_flags_it(world):
    plan = world.approved_plan()
    (entry,) = RegulatedAgreement.objects.all()
    assert (entry.origin, entry.counterparty_ml, entry.administrator) == (
        Origin.AUTOMATIC,
        world.ml,
        world.garcia,
    )
    assert entry.amount == Decimal("12000.00") and plan.reference() in entry.subject
    assert "Présidente" in entry.capacity or "Président" in entry.capacity
    assert entry.register.year == timezone.localdate().year
    event = AuditEvent.objects.get(action="agreement_register.agreement_flagged")
    assert event.data["entry"] == entry.pk


def test_no_flag_without_an_administrator_on_the_other_side(world):
    world.garcia.mandates.filter(role=Role.ML_PRESIDENT).update(
        end=timezone.localdate() - dt.timedelta(days=1)
    )
    world.approved_plan()
    assert not RegulatedAgreement.objects.exists()


def test_declared_by_hand_and_refused_to_others(world, client):
    client.force_login(world.staff)
    body = {
        "arml": world.arml.pk,
        "counterparty": "Association Cap Emploi 34",
        "administrator_name": "Julien Fabre",
        "capacity": "Trésorier de Cap Emploi 34",
        "subject": "Mise à disposition d'un local",
        "amount": "3600.00",
        "concluded_on": timezone.localdate().isoformat(),
    }
    refused = client.post("/api/v1/regulated-agreements/", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    client.force_login(world.director)
    bad = client.post(
        "/api/v1/regulated-agreements/", {**body, "subject": " "}, content_type="application/json"
    )
    assert bad.status_code == 400
    created = client.post("/api/v1/regulated-agreements/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["origin"] == "declared"
    listed = client.get(f"/api/v1/regulated-agreements/?year={timezone.localdate().year}").json()
    assert [e["counterparty"] for e in listed["results"]] == ["Association Cap Emploi 34"]
    page = client.get("/conventions-reglementees/").content.decode()
    assert "Association Cap Emploi 34" in page and "Déclarée" in page


def convocation_text(meeting) -> str:
    document = Document.objects.get(object_id=str(meeting.pk), kind="convocation")
    version = document.versions.order_by("-n").first()
    return " ".join(extract_text(read_verified(version)).replace("\u00a0", " ").split())


def test_the_register_goes_to_the_general_assembly_on_the_auditors_report(world):
    world.approved_plan()
    register = AgreementRegister.objects.get()
    (subject,) = [s for s in agenda_subjects(world.arml.pk) if s.obj == register]
    assert "Rapport spécial du commissaire aux comptes" in subject.label
    meeting = meetings.meeting_plan(
        actor=world.president,
        body=world.ag,
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Toulouse",
        items=[{"title": "Conventions réglementées", "subject": register}],
    )
    meeting = perform(meeting, "convene", actor=world.president).obj
    text = convocation_text(meeting)
    assert "Conventions réglementées de l'exercice" in text
    assert "Mission Locale de Montpellier" in text and "Carole Garcia" in text
    with pytest.raises(errors.ConditionsUnmet) as caught:
        perform(register, "approve", actor=world.president)
    assert caught.value.code == "auditor_report_missing"
    with pytest.raises(errors.Forbidden):
        perform(register, "report", actor=world.director, comment="Rapport.")
    register = perform(
        register, "report", actor=world.auditor, comment="Rapport spécial : une convention."
    ).obj
    with pytest.raises(errors.DeliberationRequired):
        perform(register, "approve", actor=world.president)
    board_adopts(register, kind=BodyKind.AG)
    register = perform(register, "approve", actor=world.president).obj
    assert register.state == "approved"
