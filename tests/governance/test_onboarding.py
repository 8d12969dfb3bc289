"""Onboarding an ARML from the sample files, then running it for real over HTTP: the president
sets a password through the one-time link, logs in, convenes the board, and each member gets
the convocation with its .ics and receipt link, which records the receipt."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from governance.meetings.models import Invitation, Meeting, MeetingState
from governance.organisations.models import (
    Arml,
    Body,
    BodyKind,
    BodyRules,
    Funder,
    Mandate,
    MissionLocale,
    Person,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "onboarding"
PASSWORD = "Occitanie-2026-solide"


def onboard(*args, **kwargs):
    from io import StringIO

    out = StringIO()
    call_command("onboard", *args, stdout=out, **kwargs)
    return out.getvalue()


def copy_samples(tmp_path) -> Path:
    folder = tmp_path / "onboarding"
    folder.mkdir()
    for path in SAMPLES.glob("*.csv"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_a_dry_run_shows_what_it_would_do_and_writes_nothing():
    out = onboard(str(SAMPLES))
    assert "à créer" in out or "to create" in out
    assert "+ Mission Locale Mission Locale de Toulouse" in out
    assert not MissionLocale.objects.filter(arml__region__code="76").exists()
    assert not Person.objects.filter(username="mcombes").exists()


def test_apply_then_again_changes_nothing_and_a_changed_file_shows_the_change(tmp_path):
    onboard(str(SAMPLES), "--apply")
    arml = Arml.objects.get(region__code="76")
    assert arml.name == "Association régionale des Missions Locales d'Occitanie"
    assert MissionLocale.objects.filter(arml=arml).count() == 4
    assert Funder.objects.filter(region=arml.region).count() == 3
    ca = Body.objects.get(arml=arml, kind=BodyKind.CA)
    assert (ca.rules.notice_days, ca.rules.chair_casting_vote) == (8, True)
    assert BodyRules.objects.get(body__arml=arml, body__kind=BodyKind.AG).quorum_denominator == 3
    president = Person.objects.get(username="mcombes")
    assert not president.has_usable_password()
    assert president.has_perm("governance.view_arml", arml)  # access followed the mandate
    counts = Mandate.objects.filter(arml=arml).count()

    again = onboard(str(SAMPLES), "--apply")
    assert "0 créé" in again or "0 created" in again
    assert "Rien à changer" in again or "Nothing to change" in again
    assert Mandate.objects.filter(arml=arml).count() == counts

    folder = copy_samples(tmp_path)
    mandates = folder / "mandats.csv"
    mandates.write_text(
        mandates.read_text(encoding="utf-8").replace(
            "sroux;board_member;CA;;;Trésorière;01/01/2026;",
            "sroux;board_member;CA;;;Trésorière;01/01/2026;31/12/2026",
        ),
        encoding="utf-8",
    )
    (folder / "instances.csv").write_text(
        (folder / "instances.csv")
        .read_text(encoding="utf-8")
        .replace(
            "CA;Conseil d'administration;1;2;0;1;8;", "CA;Conseil d'administration;1;2;0;1;10;"
        ),
        encoding="utf-8",
    )
    diff = onboard(str(folder))
    assert "~ Mandat" in diff and "31/12/2026" in diff
    assert "8 → 10" in diff
    assert BodyRules.objects.get(body=ca).notice_days == 8  # a dry run
    onboard(str(folder), "--apply")
    assert BodyRules.objects.get(body=ca).notice_days == 10


def test_bodyrules_columns_follow_the_model(tmp_path):
    from governance.organisations.onboarding import columns_of

    columns = columns_of("instances")
    for field in BodyRules._meta.concrete_fields:
        if field.editable and not field.primary_key and not field.is_relation:
            assert columns[field.name] == field.name  # a field added later is a column too
    assert columns["delai_de_convocation_jours"] == "notice_days"  # and its French label


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "financeurs.csv",
            "Conseil régional d'Occitanie;region",
            "Conseil régional d'Occitanie;prefecture",
            "financeurs.csv, ligne 3",
        ),
        (
            "mandats.csv",
            "pvidal;arml_director;;;;Directeur;01/01/2026;",
            "pvidal;arml_director;;;;Directeur;32/01/2026;",
            "mandats.csv, ligne 11",
        ),
        (
            "mandats.csv",
            "fmas;ml_director;;Mission Locale de l'Aveyron",
            "fmas;ml_director;;Mission Locale de Nulle Part",
            "mandats.csv, ligne 22",
        ),
        (
            "instances.csv",
            "CA;Conseil d'administration;1;2;0;1;8;1;cast;oui",
            "CA;Conseil d'administration;3;2;0;1;8;1;cast;oui",
            "instances.csv, ligne 3",
        ),
        ("instances.csv", "type;nom;", "type;nom;colonne_inconnue;", "instances.csv, ligne 1"),
    ],
)
def test_a_bad_line_names_file_and_line_and_nothing_is_written(tmp_path, file, old, new, message):
    folder = copy_samples(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        onboard(str(folder), "--apply")
    assert message in str(exc.value)
    assert not MissionLocale.objects.filter(arml__region__code="76").exists()
    assert not Person.objects.filter(username="mcombes").exists()


def test_the_command_exits_non_zero_with_the_file_and_line(tmp_path):
    import subprocess
    import sys

    folder = copy_samples(tmp_path)
    (folder / "financeurs.csv").write_text("nom;genre\nX;etat\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "onboard", str(folder)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        },
    )
    assert result.returncode != 0
    assert "financeurs.csv, ligne 1" in result.stderr and "genre" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_xlsx_workbook_with_one_sheet_per_table_onboards_the_same(tmp_path):
    import csv

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for path in sorted(SAMPLES.glob("*.csv")):
        sheet = workbook.create_sheet(path.stem)
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter=";"):
            sheet.append(row)
    workbook.save(tmp_path / "arml-occitanie.xlsx")
    onboard(str(tmp_path / "arml-occitanie.xlsx"), "--apply")
    assert Mandate.objects.filter(arml__region__code="76").count() == 24


def test_onboarded_president_sets_a_password_logs_in_and_convenes_the_board(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ARML_BASE_URL = "https://gouvernance.arml-occitanie.example"
    out = onboard(str(SAMPLES), "--apply")
    link = re.search(r"mcombes: (https://\S+)", out).group(1)
    path = link.removeprefix("https://gouvernance.arml-occitanie.example")

    # The one-time link: a French page in the site's layout, then the password form.
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choisissez votre mot de passe" in html and 'aria-label="Menu principal"' not in html
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert Person.objects.get(username="mcombes").check_password(PASSWORD)
    # It worked once: the same link no longer does.
    client.logout()
    again = client.get(path, follow=True)
    assert again.status_code == 410 and "ne fonctionne plus" in again.content.decode()

    assert (
        client.post("/connexion/", {"username": "mcombes", "password": PASSWORD}).status_code == 302
    )
    arml = Arml.objects.get(region__code="76")
    ca = Body.objects.get(arml=arml, kind=BodyKind.CA)
    starts = timezone.localtime() + dt.timedelta(days=ca.rules.notice_days + 2)
    response = client.post(
        "/seances/nouvelle/",
        {
            "body": ca.pk,
            "starts_at": starts.strftime("%Y-%m-%dT14:00"),
            "place": "Hôtel de Région, Toulouse",
            "video_link": "",
            "points-TOTAL_FORMS": "1",
            "points-INITIAL_FORMS": "0",
            "points-MIN_NUM_FORMS": "0",
            "points-MAX_NUM_FORMS": "30",
            "points-0-title": "Budget prévisionnel 2027",
            "points-0-kind": "deliberation",
            "points-0-description": "",
            "points-0-subject": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(body=ca)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/seances/{meeting.pk}/transitions/convene/", {"comment": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONVENED

    members = set(Mandate.objects.active().filter(body=ca).values_list("person__email", flat=True))
    convocations = [m for m in mail.outbox if "Convocation" in m.subject]
    assert {m.to[0] for m in convocations} == members and len(convocations) == len(members) == 5
    for message in convocations:
        name, content, mimetype = message.attachments[0]
        assert name == "convocation.ics" and "Hôtel de Région" in content
        assert "https://gouvernance.arml-occitanie.example/convocations/reception/" in message.body

    member = Person.objects.get(username="dsoulier")
    message = next(m for m in convocations if m.to == [member.email])
    receipt = re.search(r"https://\S+/convocations/reception/\S+/", message.body).group(0)
    client.logout()
    response = client.get(receipt.removeprefix("https://gouvernance.arml-occitanie.example"))
    assert response.status_code == 200
    assert Invitation.objects.get(meeting=meeting, person=member).received_at is not None
    event = AuditEvent.objects.get(action="meeting.invitation_received")
    assert event.actor_id == member.pk and event.object_id == str(meeting.pk)
