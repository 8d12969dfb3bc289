"""Issue 7, browser test: one management dialogue from the file to the concluded record — the
director opens and prepares it (reports, measurements imported from a CSV file) and transmits
the file; the State officer records the meeting, drafts and proposes the conclusions; the ARML
president, the State and the Region each accept from their inbox; the record of conclusions
then carries three valid signatures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.verification import verify_ledger
from documents.verification import verify
from governance.dialogues.models import DialogueState, ManagementDialogue, Measurement
from governance.organisations.models import FunderKind, Indicator, Role
from tests.e2e.test_convention_cycle import off_the_event_loop
from tests.factories import ArmlFactory, FunderFactory, PersonFactory, RegionFactory, give_mandate
from workflows.documents import current_document

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Cast:
    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
        region = self.arml.region
        self.state = FunderFactory(
            region=region, kind=FunderKind.STATE, name="Préfecture de région (DREETS)"
        )
        self.region = FunderFactory(region=region, kind=FunderKind.REGION, name="Conseil régional")
        # The national indicators come from a data migration, which a previous transactional
        # test's flush may have emptied: make sure the two the CSV file uses exist.
        for code, label, unit in (
            ("ARML-F1-01", "Missions Locales accompagnées", "ML"),
            ("ARML-F2-01", "Salariés du réseau formés", "salariés"),
        ):
            Indicator.objects.get_or_create(code=code, defaults={"label": label, "unit": unit})
        self.director = self._person(Role.ARML_DIRECTOR, "Claire", "Directrice")
        self.president = self._person(Role.PRESIDENT, "Hélène", "Aubry")
        self.state_officer = self._person(
            Role.STATE_OFFICER, "Paul", "Préfecture", funder=self.state
        )
        self.region_officer = self._person(
            Role.REGION_OFFICER, "Rozenn", "Région", funder=self.region
        )

    def _person(self, role: str, first: str, last: str, **fields) -> object:
        person = PersonFactory(username=role.replace("_", "-"), first_name=first, last_name=last)
        give_mandate(person, role, self.arml, **fields)
        return person


@pytest.fixture
def cast(ledger_purge):
    return Cast()


def test_a_management_dialogue_from_file_to_conclusions_in_the_browser(ui, cast, tmp_path):
    page = ui.page
    year = timezone.localdate().year + 1
    meeting_day = timezone.localdate() + dt.timedelta(days=30)

    # 1. The director opens the dialogue, prepares the file, imports measurements, transmits --
    ui.login(cast.director)
    ui.follow("Dialogues de gestion", "dialogue-list")
    page.get_by_label("Année négociée").fill(str(year))
    ui.press("Ouvrir un dialogue", "dialogue-opened")
    dialogue = ManagementDialogue.objects.get()
    assert ui.state_label() == "Préparation"
    page.get_by_label("Date de la réunion", exact=True).fill(meeting_day.isoformat())
    page.get_by_label("Rapport financier").fill("Comptes certifiés par le commissaire aux comptes.")
    page.get_by_label("Actions réalisées").fill("Plan régional de formation réalisé à 95 %.")
    ui.press("Enregistrer le dossier", "file-saved")
    ui.expect_text("Dossier du dialogue enregistré.", "dossier dû au plus tard le")
    csv = tmp_path / "mesures.csv"
    csv.write_text(
        f"indicateur;annee;valeur\nARML-F2-01;{year - 1};412\nARML-F1-01;{year - 1};12\n"
    )
    page.get_by_label("Fichier", exact=True).set_input_files(str(csv))
    ui.press("Importer", "measurements-imported")
    ui.expect_text("2 mesure(s) enregistrée(s).")
    assert Measurement.objects.filter(arml=cast.arml, year=year - 1).count() == 2
    ui.press("Transmettre le dossier du dialogue", "file-transmitted")
    assert ui.state_label() == "Dossier transmis"
    ui.logout()

    # 2. The State officer records the meeting, drafts and proposes the conclusions ------------
    ui.login(cast.state_officer)
    ui.expect_text("Ce qui m'attend", "Enregistrer la réunion")
    ui.follow(str(dialogue), "state-opens-dialogue", within=page.locator("#h-awaiting + ul"))
    page.get_by_label("Tenue le").fill(timezone.localdate().isoformat())
    page.get_by_label("Lieu").fill("Préfecture de région, Rennes")
    page.get_by_label("Participants").fill("Préfet de région, Région, ARML")
    ui.press("Enregistrer la réunion", "meeting-recorded")
    assert ui.state_label() == "Réunion tenue"
    page.get_by_label("Objectifs").fill("Renforcer l'observation régionale des parcours.")
    page.locator(f"input[name='amount-0-{cast.state.pk}-1']").fill("130000")
    page.locator(f"input[name='amount-0-{cast.region.pk}-2']").fill("85000,50")
    ui.press("Enregistrer le projet de conclusions", "conclusions-drafted")
    ui.expect_text("Projet de conclusions enregistré.")
    assert page.locator(f"input[name='amount-0-{cast.state.pk}-1']").input_value() == "130000.00"
    assert page.locator(f"input[name='amount-0-{cast.region.pk}-2']").input_value() == "85000.50"
    ui.press("Proposer les conclusions", "conclusions-proposed")
    assert ui.state_label() == "Conclusions proposées"
    ui.expect_text("130 000,00", "85 000,50")  # the proposed lines, now read-only
    ui.logout()

    # 3. The three parties accept from their inbox, in any order ------------------------------
    for person, step in (
        (cast.region_officer, "region"),
        (cast.president, "president"),
        (cast.state_officer, "state"),
    ):
        ui.login(person)
        ui.expect_text("Ce qui m'attend", "Acceptation")
        ui.follow(str(dialogue), f"{step}-opens-dialogue", within=page.locator("#h-awaiting + ul"))
        ui.press("Accepter les conclusions", f"{step}-accepted")
        ui.logout()

    dialogue = ManagementDialogue.objects.get()
    assert dialogue.state == DialogueState.CONCLUDED
    ui.login(cast.president)
    ui.goto(dialogue.get_absolute_url(), "dialogue-concluded")
    assert ui.state_label() == "Conclu"
    ui.expect_text("vérifié")
    ui.finish()

    record = current_document(dialogue, "conclusions").versions.order_by("-n").first()
    report = off_the_event_loop(lambda: verify(record))
    assert report.ok and len(report.signatures) == 3
    assert off_the_event_loop(lambda: verify_ledger().ok)
