import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.dialogues.models import ManagementDialogue
from governance.dialogues.services import conclusions_save, dialogue_create, dialogue_prepare
from tests.conventions.conftest import World as ConventionWorld
from workflows.engine import perform


class World(ConventionWorld):
    def in_force(self):
        conv = self.awaiting()
        perform(self.fresh(conv), "countersign", actor=self.state_officer)
        perform(self.fresh(conv), "countersign", actor=self.region_officer)
        return self.fresh(conv)

    def dialogue(self, *, year=2027, meeting_in_days=30) -> ManagementDialogue:
        dialogue = dialogue_create(actor=self.director, arml=self.arml, year=year)
        return dialogue_prepare(
            actor=self.director,
            dialogue=dialogue,
            meeting_date=timezone.localdate() + dt.timedelta(days=meeting_in_days),
            financial_report="Comptes 2026 certifiés.",
            actions_report="Plan de formation réalisé.",
        )

    def held(self, dialogue) -> ManagementDialogue:
        dialogue = perform(dialogue, "transmit_file", actor=self.director).obj
        return perform(
            dialogue,
            "record_meeting",
            actor=self.state_officer,
            data={
                "held_on": timezone.localdate().isoformat(),
                "place": "Préfecture, Rennes",
                "participants": "Préfet, Région, ARML",
            },
        ).obj

    def proposed(self, dialogue) -> ManagementDialogue:
        dialogue = self.held(dialogue)
        conclusions_save(
            actor=self.state_officer,
            dialogue=dialogue,
            objectives="Renforcer l'observation.",
            lines=[
                {"funder": self.state, "function": 1, "amount": Decimal("130000.00")},
                {"funder": self.region, "function": 2, "amount": Decimal("85000.50")},
            ],
            targets=[{"indicator": self.indicator, "target": Decimal("450")}],
        )
        return perform(
            ManagementDialogue.objects.get(pk=dialogue.pk),
            "propose_conclusions",
            actor=self.state_officer,
        ).obj


@pytest.fixture
def world(db):
    return World()
