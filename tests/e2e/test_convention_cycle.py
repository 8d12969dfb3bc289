"""Issue 6, browser test: one full CPOM cycle as its users do it, each logged in through the
login page — the director drafts and negotiates the convention, the State and Region officers
comment it and agree on its version from their inbox (which freezes it), the board adopts it
through the meetings pages, the president adopts and signs, the State and Region officers countersign from
their inbox, and an auditor checks the history, the final PDF's signatures and the ledger."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from audit.checkpoints import checkpoint_create
from audit.verification import verify_ledger
from config.labels import event_label
from documents.models import Signature
from governance.conventions.models import Convention, ConventionState
from governance.meetings.models import Deliberation, Meeting, MeetingState
from governance.organisations.models import BodyKind, BodyRules, FunderKind, Role
from tests.conftest import enrol_totp
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    FunderFactory,
    PersonFactory,
    RegionFactory,
    give_mandate,
)
from workflows.documents import current_document


def off_the_event_loop(function):
    """Run `function` in a thread of its own: Playwright's sync API keeps an event loop running
    in the test's thread, and the PDF signature checks (pyHanko) call asyncio.run()."""

    def run():
        try:
            return function()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTICE_DAYS = 15


class Cast:
    """Bretagne's ARML with its State and Region funders, the people of the cycle, and a
    board (CA) of five: the president, the secretary and three members."""

    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
        region = self.arml.region
        self.state = FunderFactory(
            region=region, kind=FunderKind.STATE, name="Préfecture de région (DREETS)"
        )
        self.region = FunderFactory(region=region, kind=FunderKind.REGION, name="Conseil régional")
        self.ca = BodyFactory(arml=self.arml, kind=BodyKind.CA, name="Conseil d'administration")
        BodyRules.objects.filter(body=self.ca).update(
            quorum_numerator=1,
            quorum_denominator=2,
            notice_days=NOTICE_DAYS,
            max_proxies_per_holder=1,
            majority="cast",
            chair_casting_vote=True,
        )
        ca = self.ca
        self.director = self._person(Role.ARML_DIRECTOR, "Claire", "Directrice")
        self.president = self._person(Role.PRESIDENT, "Hélène", "Aubry", body=ca)
        self.secretary = self._person(Role.SECRETARY, "Zoé", "Bihan", body=ca)
        self.members = [self.president, self.secretary] + [
            self._person(Role.BOARD_MEMBER, first, last, body=ca)
            for first, last in (("Yves", "Cadiou"), ("Anne", "Daniel"), ("Loïc", "Even"))
        ]
        self.state_officer = self._person(
            Role.STATE_OFFICER, "Paul", "Préfecture", funder=self.state
        )
        self.region_officer = self._person(
            Role.REGION_OFFICER, "Rozenn", "Région", funder=self.region
        )
        self.auditor = self._person(Role.AUDITOR, "Alain", "Auditeur")

    def _person(self, role: str, first: str, last: str, **fields) -> object:
        username = {Role.BOARD_MEMBER: f"membre-{last.lower()}"}.get(role, role.replace("_", "-"))
        person = PersonFactory(username=username, first_name=first, last_name=last)
        give_mandate(person, role, self.arml, **fields)
        enrol_totp(person)  # the published demo secret: signing asks for its code
        return person


@pytest.fixture
def cast(ledger_purge):
    return Cast()


@pytest.fixture
def clock():
    """The live server's clock (same process): a meeting is held on its day."""
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


def test_a_convention_from_draft_to_in_force_in_the_browser(ui, cast, clock):
    page = ui.page
    year = timezone.localdate().year  # the drafting page proposes this year and the next two

    # 1. The director drafts the convention, submits it, negotiates and freezes it -------------
    ui.login(cast.director)
    ui.follow("Conventions", "convention-list")
    ui.follow("Rédiger une convention", "draft-form")
    ui.expect_text("Rédiger une convention", "Plan de financement")
    page.get_by_label("Intitulé", exact=True).fill("CPOM 2026-2028 de l'ARML Bretagne")
    assert page.get_by_role("checkbox", name="Préfecture de région (DREETS)").is_checked()
    assert page.get_by_role("checkbox", name="Conseil régional").is_checked()
    page.get_by_label(re.compile(r"^1\. ")).fill("Accompagner les Missions Locales.")
    amounts = {
        (year, cast.state, 1): "120000",
        (year, cast.state, 3): "45000,50",
        (year, cast.region, 2): "80000.25",
        (year + 1, cast.state, 1): "121000",
        (year + 2, cast.region, 2): "82000",
    }
    for (y, funder, function), amount in amounts.items():
        page.locator(f"input[name='amount-{y}-{funder.pk}-{function}']").fill(amount)
    ui.step("draft-filled")
    ui.press("Enregistrer le contenu", "convention-drafted")
    ui.expect_text("CPOM 2026-2028 de l'ARML Bretagne", "120 000,00", "45 000,50", "80 000,25")
    ui.expect_text("448 000,75")  # the grand total of the funding table
    assert ui.state_label() == "Brouillon"
    convention = Convention.objects.get()

    ask = "Demander l'accord de l'État et de la Région sur cette version"
    for button, state, comment in (
        ("Soumettre à la consultation", "En consultation", "Projet transmis aux financeurs."),
        ("Ouvrir la négociation", "En négociation", ""),
        (
            ask,
            "En attente de l'accord des financeurs",
            "Version négociée avec l'État et la Région.",
        ),
    ):
        form = page.locator("form", has=page.get_by_role("button", name=button, exact=True))
        if comment:
            form.get_by_label("Commentaire (facultatif)").fill(comment)
        ui.press(button, f"convention-{state}")
        assert ui.state_label() == state
    ui.logout()

    # 1b. The State and Region officers comment a line and agree on v1 from their inbox; the
    # draft is frozen once both agreed (issue 14.2) ----------------------------------------------
    for officer, step, task in (
        (cast.state_officer, "state", "Accord technique de l'État"),
        (cast.region_officer, "region", "Accord technique de la Région"),
    ):
        ui.login(officer)
        ui.expect_text("Ce qui m'attend", "À approuver", f"({task}) — {convention}")
        ui.follow(str(convention), f"{step}-opens-draft", within=page.locator("#h-awaiting ~ ul"))
        ui.expect_text("Négociation : les lignes de la v1")
        if officer == cast.state_officer:
            page.get_by_label("Ligne", exact=True).select_option(
                label=f"{year} — {cast.state} — fonction 1"
            )
            page.get_by_label("Commentaire", exact=True).fill("Montant conforme à nos crédits.")
            ui.press("Enregistrer le commentaire", "state-commented")
            ui.expect_text("Commentaire enregistré sur la v1.", "Montant conforme à nos crédits.")
        ui.press("Donner l'accord technique sur cette version", f"{step}-agreed")
        ui.logout()
    convention.refresh_from_db()
    assert convention.state == ConventionState.FROZEN and convention.frozen_hash
    assert convention.frozen_version == 1 and convention.agreements.count() == 2

    # 2. The board deliberates through the meetings pages --------------------------------------
    day = timezone.localdate() + dt.timedelta(days=NOTICE_DAYS + 5)
    ui.login(cast.president)
    ui.follow("Séances", "meeting-list")
    ui.follow("Planifier une séance", "meeting-form")
    page.get_by_label("Instance").select_option(label=str(cast.ca))
    page.get_by_label("Date et heure").fill(f"{day:%Y-%m-%d}T14:00")
    page.get_by_label("Lieu").fill("Maison des associations, Rennes")
    item = page.locator("fieldset fieldset").first
    item.get_by_label("Intitulé du point").fill("Adoption du CPOM 2026-2028")
    item.get_by_label("Objet de la décision").select_option(label=f"Adoption — {convention}")
    ui.step("meeting-form-filled")
    ui.press("Planifier la séance", "meeting-planned")
    ui.expect_text("Adoption du CPOM 2026-2028", str(convention), "Planifiée")
    meeting = Meeting.objects.get()
    assert meeting.items.get().subject == convention
    ui.press("Convoquer les membres", "meeting-convened")
    assert ui.state_label() == "Convoquée"
    ui.logout()

    # The meeting's day: it opens an hour before its start at the earliest.
    clock.move_to(timezone.make_aware(dt.datetime.combine(day, dt.time(13, 30))))
    ui.login(cast.secretary)
    ui.expect_text("Ce qui m'attend", "Ouvrir la séance")
    ui.follow(str(meeting), "secretary-opens-meeting", within=page.locator("#h-awaiting ~ ul"))
    ui.press("Ouvrir la séance", "meeting-opened")
    for member in cast.members:
        page.locator(f"#presence-{member.pk}").select_option("present")
    ui.press("Enregistrer la feuille de présence", "attendance-saved")
    ui.expect_text("Feuille de présence enregistrée.", "Quorum atteint")
    ui.press("Constater le quorum et ouvrir les débats", "session-started")
    assert ui.state_label() == "En séance"
    agenda_item = meeting.items.get()
    for member in cast.members:
        choice = "abstain" if member == cast.members[-1] else "for"
        page.locator(f"#vote-{agenda_item.pk}-{member.pk}").select_option(choice)
    page.get_by_role("button", name=re.compile("^Enregistrer les votes")).click()
    page.wait_for_url(re.compile(r"#item-\d+$"))
    ui.step("votes-recorded")
    ui.expect_text("Votes enregistrés.", "Pour : 4, contre : 0, abstentions : 1.", "Adopté.")
    ui.logout()

    ui.login(cast.president)
    ui.follow(str(meeting), "president-closes", within=page.locator("#h-awaiting ~ ul"))
    ui.press("Clore la séance et signer le procès-verbal", "meeting-closed")
    assert ui.state_label() == "Close"
    number = f"{day.year}-CA-001"
    ui.expect_text(f"Délibération n° {number}.")
    ui.logout()

    ui.login(cast.secretary)
    ui.follow(str(meeting), "secretary-countersigns", within=page.locator("#h-awaiting ~ ul"))
    ui.press("Contresigner le procès-verbal", "minutes-signed")
    assert ui.state_label() == "Procès-verbal signé"
    ui.expect_text(f"Délibération n° {number}.", "définitive")
    deliberation = Deliberation.objects.get()
    assert deliberation.adopted and deliberation.is_final and deliberation.number == number
    ui.logout()

    # 3. The president adopts the convention and signs it, from their inbox --------------------
    ui.login(cast.president)
    ui.expect_text(str(convention), "Adopter")
    ui.follow(
        str(convention), "president-opens-convention", within=page.locator("#h-awaiting ~ ul")
    )
    ui.press("Adopter", "convention-adopted")
    assert ui.state_label() == "Adopté par le conseil d'administration"
    ui.press("Signer la convention", "convention-signed")
    assert ui.state_label() == "En attente des contre-signatures"
    ui.logout()

    # 4. The State and Region officers countersign from their inbox ----------------------------
    for officer, step, task in (
        (cast.state_officer, "state", "Contre-signature de l'État"),
        (cast.region_officer, "region", "Contre-signature de la Région"),
    ):
        ui.login(officer)
        ui.expect_text("Ce qui m'attend", "À signer", f"Contresigner ({task}) — {convention}")
        ui.follow(
            str(convention), f"{step}-opens-convention", within=page.locator("#h-awaiting ~ ul")
        )
        ui.press("Contresigner", f"{step}-countersigned")
        ui.logout()
    convention.refresh_from_db()
    assert convention.state == ConventionState.IN_FORCE

    # 5. The auditor: history, the final PDF's verification, the ledger ------------------------
    checkpoint_create()  # what the daily `manage.py audit checkpoint` does
    ui.login(cast.auditor)
    ui.goto(convention.get_absolute_url(), "auditor-convention")
    assert ui.state_label() == "En vigueur"
    history = page.locator("#h-history + * table")
    for action in (
        "convention.agreed",
        "convention.frozen",
        "convention.signed",
        "convention.entered_into_force",
    ):  # in French (config.labels), never as their codes
        assert history.get_by_text(event_label(action), exact=True).count() >= 1, action
    assert history.get_by_text(event_label("convention.countersigned"), exact=True).count() == 2
    assert "convention." not in history.inner_text()
    ui.expect_text("vérifié")
    ui.follow("Rapport de vérification", "pdf-verification")
    ui.expect_text("Le fichier est intègre et toutes les signatures sont valides et de confiance.")
    found = page.locator("table", has=page.get_by_text("Signatures présentes dans le fichier"))
    rows = found.locator("tbody tr")
    assert rows.count() == 3
    for i, (field, signer) in enumerate(
        (
            ("Pour l'ARML", cast.president),
            ("Pour l'État", cast.state_officer),
            ("Pour la Région", cast.region_officer),
        )
    ):
        cells = [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        assert cells[0].startswith(field) and cells[1] == signer.get_full_name()
        assert cells[4:7] == ["oui", "oui", "oui"], cells  # intact, valid, trusted

    ui.follow("Journal d'audit", "ledger")
    ui.expect_text("Journal d'audit", event_label("convention.entered_into_force"))
    ui.follow("Points de contrôle signés", "checkpoints")
    ui.follow("Journal d'audit", "ledger-again")
    entered = event_label("convention.entered_into_force")
    row = page.locator("tr", has=page.get_by_text(entered, exact=True))
    ui.submit(row.get_by_role("link").first, "ledger-event")
    ui.press("Vérifier cet événement", "ledger-event-verified")
    ui.expect_text(
        "Le contenu correspond à l'empreinte de l'événement.",
        "La preuve d'inclusion mène à la racine signée",
        "La signature du point de contrôle par la clé de la plateforme est valide.",
    )
    ui.logout()

    # The database agrees with what the pages said -----------------------------------------------
    convention.refresh_from_db()
    assert convention.state == ConventionState.IN_FORCE
    signed = current_document(convention, "convention")
    assert Signature.objects.filter(version__document=signed).count() == 3
    # Each of the three signatures was confirmed by the signer's own second factor.
    assert set(
        Signature.objects.filter(version__document=signed).values_list("second_factor", flat=True)
    ) == {"totp"}
    assert Meeting.objects.get().state == MeetingState.MINUTES_SIGNED
    report = off_the_event_loop(verify_ledger)
    assert report.ok, report.failures
    ui.finish()
