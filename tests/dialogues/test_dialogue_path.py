import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.verification import verify_ledger
from documents.verification import verify
from governance.conventions.models import AmendmentState
from governance.conventions.selectors import effective_funding
from governance.dialogues.models import DialogueState, ManagementDialogue, Measurement
from governance.dialogues.services import measurements_record, parse_measurements_csv
from workflows import errors
from workflows.circuits import active_circuit, pending_tasks
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def fresh(d):
    return ManagementDialogue.objects.get(pk=d.pk)


def test_the_full_dialogue_concludes_signed_by_all_three_and_opens_an_amendment(world):
    world.in_force()
    dialogue = world.proposed(world.dialogue())
    assert sorted(t.flow_task.name for t in pending_tasks(dialogue)) == [
        "president_accept",
        "region_accept",
        "state_accept",
    ]
    for who in (world.region_officer, world.president, world.state_officer):
        perform(fresh(dialogue), "accept", actor=who)
    dialogue = fresh(dialogue)
    assert dialogue.state == DialogueState.CONCLUDED and active_circuit(dialogue) is None
    record = current_document(dialogue, "conclusions").versions.order_by("-n").first()
    report = verify(record)
    assert report.ok and len(report.signatures) == 3
    amendment = dialogue.amendment
    assert amendment.state == AmendmentState.DRAFT and amendment.year == 2027
    assert sorted(str(li.amount) for li in amendment.lines.all()) == ["130000.00", "85000.50"]
    assert verify_ledger().ok
    assert effective_funding(dialogue.convention).amended_years == {}  # draft: nothing replaced yet


def test_a_late_file_is_refused_with_the_dates(world):
    dialogue = world.dialogue(meeting_in_days=10)  # 15 days are due
    with pytest.raises(errors.ConditionsUnmet) as exc:
        perform(dialogue, "transmit_file", actor=world.director)
    deadline = (timezone.localdate() + dt.timedelta(days=10) - dt.timedelta(days=15)).strftime(
        "%d/%m/%Y"
    )
    assert deadline in exc.value.message
    assert fresh(dialogue).state == DialogueState.PREPARATION


def test_exactly_on_the_deadline_the_file_passes(world):
    dialogue = world.dialogue(meeting_in_days=15)
    assert (
        perform(dialogue, "transmit_file", actor=world.director).obj.state
        == DialogueState.FILE_TRANSMITTED
    )


def test_contest_returns_to_the_meeting_and_supersedes_the_partial_record(world):
    world.in_force()
    dialogue = world.proposed(world.dialogue())
    perform(fresh(dialogue), "accept", actor=world.state_officer)
    with pytest.raises(errors.CommentRequired):
        perform(fresh(dialogue), "contest", actor=world.president)
    perform(
        fresh(dialogue), "contest", actor=world.president, comment="Cible de formation irréaliste."
    )
    dialogue = fresh(dialogue)
    assert dialogue.state == DialogueState.MEETING_HELD and active_circuit(dialogue) is None
    assert current_document(dialogue, "conclusions") is None


def test_recording_the_meeting_needs_its_date_and_participants(world):
    dialogue = perform(world.dialogue(), "transmit_file", actor=world.director).obj
    with pytest.raises(errors.InvalidData):
        perform(dialogue, "record_meeting", actor=world.state_officer, data={"held_on": "hier"})
    with pytest.raises(errors.Forbidden):
        perform(
            dialogue,
            "record_meeting",
            actor=world.region_officer,
            data={"held_on": timezone.localdate().isoformat(), "participants": "x"},
        )


def test_csv_import_reports_bad_rows_with_their_line_and_imports_nothing(world):
    bad = "indicateur;annee;valeur\nARML-F1-01;2026;12\nXX-99;2026;3\nARML-F2-01;deux;4\nARML-F2-02;2026;abc\n"
    with pytest.raises(ValidationError) as exc:
        parse_measurements_csv(bad.encode())
    messages = exc.value.messages
    assert any("Ligne 3" in m and "XX-99" in m for m in messages)
    assert any("Ligne 4" in m for m in messages) and any("Ligne 5" in m for m in messages)
    assert not Measurement.objects.exists()


def test_csv_import_records_measurements(world):
    rows = parse_measurements_csv(
        'indicateur,annee,valeur\nARML-F1-01,2026,12\nARML-F2-01,2026,"1 250,5"\n'
    )
    assert measurements_record(actor=world.director, arml=world.arml, rows=rows, source="csv") == 2
    assert Measurement.objects.get(indicator__code="ARML-F2-01").value == Decimal("1250.50")


def test_a_wrong_header_is_refused(world):
    with pytest.raises(ValidationError, match="Ligne 1"):
        parse_measurements_csv("code;year;value\nARML-F1-01;2026;1\n")
