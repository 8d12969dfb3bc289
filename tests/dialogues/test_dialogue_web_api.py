import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.dialogues.models import DialogueState, ManagementDialogue, Measurement

pytestmark = pytest.mark.django_db


def test_the_director_opens_prepares_and_imports_from_the_browser(client, world):
    client.force_login(world.director)
    response = client.post(reverse("governance:dialogue_list"), {"year": "2027"})
    dialogue = ManagementDialogue.objects.get()
    assert response.status_code == 302 and response["Location"] == dialogue.get_absolute_url()
    meeting = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    client.post(
        reverse("governance:dialogue_prepare", args=[dialogue.pk]),
        {"meeting_date": meeting, "financial_report": "Comptes certifiés", "actions_report": "RAS"},
    )
    upload = SimpleUploadedFile(
        "mesures.csv", b"indicateur;annee;valeur\nARML-F1-01;2026;12\n", content_type="text/csv"
    )
    page = client.post(
        reverse("governance:measurements_import", args=[dialogue.pk]), {"file": upload}, follow=True
    )
    assert "1 mesure(s) enregistrée(s)" in page.content.decode()
    bad = SimpleUploadedFile(
        "mesures.csv", b"indicateur;annee;valeur\nARML-F1-01;2026;x\n", content_type="text/csv"
    )
    page = client.post(
        reverse("governance:measurements_import", args=[dialogue.pk]), {"file": bad}, follow=True
    )
    assert "Ligne 2" in page.content.decode()
    assert Measurement.objects.count() == 1
    page = client.post(
        reverse("governance:dialogue_transition", args=[dialogue.pk, "transmit_file"]), follow=True
    )
    assert ManagementDialogue.objects.get().state == DialogueState.FILE_TRANSMITTED
    assert "Dossier transmis" in page.content.decode()


def test_the_state_officer_records_the_meeting_through_the_form(client, world):
    from workflows.engine import perform

    dialogue = perform(world.dialogue(), "transmit_file", actor=world.director).obj
    client.force_login(world.state_officer)
    page = client.get(dialogue.get_absolute_url()).content.decode()
    assert 'name="data_participants"' in page and 'type="date"' in page
    client.post(
        reverse("governance:dialogue_transition", args=[dialogue.pk, "record_meeting"]),
        {
            "data_held_on": timezone.localdate().isoformat(),
            "data_place": "Rennes",
            "data_participants": "Préfet, Région, ARML",
        },
    )
    assert ManagementDialogue.objects.get().state == DialogueState.MEETING_HELD


def test_the_api_runs_the_uniform_lifecycle_and_refuses_bad_csv(client, world):
    dialogue = world.dialogue()
    client.force_login(world.director)
    data = client.get(f"/api/v1/dialogues/{dialogue.pk}/").json()
    assert data["state"] == "preparation" and data["file_deadline"]
    bad = SimpleUploadedFile(
        "m.csv", b"indicateur;annee;valeur\nNOPE;2026;1\n", content_type="text/csv"
    )
    response = client.post(f"/api/v1/dialogues/{dialogue.pk}/measurements/", {"file": bad})
    assert response.status_code == 400 and "Ligne 2" in str(response.json())
    done = client.post(
        f"/api/v1/dialogues/{dialogue.pk}/transitions/transmit_file/",
        {},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "file_transmitted"


def test_the_dashboard_shows_targets_measurements_and_funding_with_exports(client, world):
    world.in_force()
    from governance.dialogues.services import measurements_record, parse_measurements_csv

    measurements_record(
        actor=world.director,
        arml=world.arml,
        rows=parse_measurements_csv("indicateur;annee;valeur\nICN-01;2026;14000\n"),
    )
    client.force_login(world.region_officer)  # a funder's officer sees the same dashboard
    page = client.get(reverse("governance:dashboard", args=[world.arml.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "93 %" in html  # 14000 / 15000
    csv = client.get(
        reverse("governance:dashboard_export", args=[world.arml.pk, "financeurs", "csv"])
    )
    assert csv.status_code == 200 and "255000,75" in csv.content.decode("utf-8-sig")
    xlsx = client.get(
        reverse("governance:dashboard_export", args=[world.arml.pk, "fonctions", "xlsx"])
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(world.other_region_officer)
    assert client.get(reverse("governance:dashboard", args=[world.arml.pk])).status_code == 404
