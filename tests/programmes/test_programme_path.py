import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from audit.verification import verify_ledger
from documents.verification import verify
from governance.programmes.models import ProgrammeState, ProgressStatus
from governance.programmes.services import progress_record
from tests.decisions import board_adopts
from tests.programmes.conftest import QUARTER, TODAY
from workflows import errors
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def latest_pdf(programme, kind):
    return current_document(programme, kind).versions.order_by("-n").first()


def record(world, action, **overrides):
    values = dict(
        actor=world.staff,
        action=action,
        year=TODAY.year,
        quarter=QUARTER,
        status=ProgressStatus.ON_TRACK,
        percent_done=40,
        measurements={"PRA-T-01": "12"},
        comment="Deux réunions tenues.",
    )
    values.update(overrides)
    return progress_record(**values)


def test_the_full_path_from_draft_to_closed(world):
    programme = world.in_execution()
    assert programme.state == ProgrammeState.IN_EXECUTION
    action = programme.actions.get(title__startswith="Animer")
    record(world, action)
    with pytest.raises(errors.CommentRequired):
        perform(programme, "evaluate", actor=world.director)
    programme = perform(
        programme, "evaluate", actor=world.director, comment="Présenté au COPIL du 12 mars."
    ).obj
    assert programme.state == ProgrammeState.EVALUATED
    report = verify(latest_pdf(programme, "evaluation"))
    assert report.ok, report.reasons
    programme = perform(programme, "close", actor=world.president).obj
    assert programme.state == ProgrammeState.CLOSED
    actions = list(
        AuditEvent.objects.filter(object_id=str(programme.pk), action__startswith="programme.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "programme.created",
        "programme.submitted",
        "programme.validated",
        "programme.contracted",
        "programme.execution_started",
        "programme.progress_recorded",
        "programme.refused_attempt",  # the evaluation without its summary
        "programme.evaluated",
        "programme.closed",
    ]
    assert verify_ledger().ok


def test_submission_needs_an_action_and_fixes_the_content_hash(world):
    empty = world.programme(actions=[])
    with pytest.raises(errors.ConditionsUnmet):
        perform(empty, "submit", actor=world.director)
    programme = world.programme()
    draft_hash = programme.compute_hash()
    programme = perform(programme, "submit", actor=world.director).obj
    assert programme.frozen_hash == draft_hash
    assert programme.submitted_by == world.director
    assert programme.deliberation_fingerprint() == draft_hash
    assert verify(latest_pdf(programme, "programme")).ok


def test_only_the_director_submits(world):
    with pytest.raises(errors.Forbidden):
        perform(world.programme(), "submit", actor=world.staff)


def test_return_to_draft_needs_a_reason_and_reopens_the_content(world):
    programme = world.submitted()
    with pytest.raises(errors.CommentRequired):
        perform(programme, "return_to_draft", actor=world.director)
    programme = perform(
        programme, "return_to_draft", actor=world.director, comment="Le COPIL demande une fiche F3."
    ).obj
    assert programme.state == ProgrammeState.DRAFT and programme.frozen_hash == ""
    event = AuditEvent.objects.filter(action="programme.returned_to_draft").get()
    assert event.comment == "Le COPIL demande une fiche F3."


def test_validation_needs_a_deliberation_on_this_very_version(world):
    programme = world.submitted()
    with pytest.raises(errors.ConditionsUnmet) as refused:
        perform(programme, "validate", actor=world.president)
    assert "délibération" in refused.value.message
    board_adopts(programme, fingerprint="0" * 64)  # a deliberation on another version
    with pytest.raises(errors.ConditionsUnmet):
        perform(world.fresh(programme), "validate", actor=world.president)
    board_adopts(programme, kind="AG")
    programme = perform(world.fresh(programme), "validate", actor=world.president).obj
    assert programme.state == ProgrammeState.VALIDATED
    version = latest_pdf(programme, "programme")
    report = verify(version)
    assert report.ok, report.reasons
    assert report.signatures[0].intact and report.signatures[0].valid
    assert version.document.facts["content_sha256"] == programme.frozen_hash
    assert version.document.facts["total"] == "53234.71"


def test_a_deliberation_on_the_version_before_a_return_to_draft_no_longer_counts(world):
    programme = world.submitted()
    board_adopts(programme)
    programme = perform(programme, "return_to_draft", actor=world.director, comment="Revoir F2").obj
    from governance.programmes.services import ActionInput, programme_action_save

    programme_action_save(
        actor=world.director,
        programme=programme,
        item=ActionInput(function=3, title="Observatoire", objective="Publier."),
    )
    programme = perform(world.fresh(programme), "submit", actor=world.director).obj
    with pytest.raises(errors.ConditionsUnmet):
        perform(programme, "validate", actor=world.president)


def test_the_director_cannot_validate(world):
    programme = world.submitted()
    board_adopts(programme)
    with pytest.raises(errors.Forbidden):
        perform(programme, "validate", actor=world.director)


def test_contract_only_against_a_convention_in_force_of_the_same_arml(world):
    programme = world.validated()
    with pytest.raises(errors.InvalidData) as none:
        perform(programme, "contract", actor=world.director)
    assert "aucune convention en vigueur" in none.value.message
    from governance.conventions.models import Convention, ConventionState

    draft = Convention.objects.create(arml=world.arml)
    assert draft.state == ConventionState.DRAFT
    with pytest.raises(errors.InvalidData):
        perform(programme, "contract", actor=world.director, data={"convention": draft.pk})
    elsewhere = world.convention_in_force(arml=world.other_arml)
    with pytest.raises(errors.InvalidData):
        perform(programme, "contract", actor=world.director, data={"convention": elsewhere.pk})
    assert world.fresh(programme).state == ProgrammeState.VALIDATED
    convention = world.convention_in_force()
    programme = perform(
        programme, "contract", actor=world.director, data={"convention": str(convention.pk)}
    ).obj
    assert programme.state == ProgrammeState.CONTRACTED
    assert programme.convention == convention and programme.amendment is None
    event = AuditEvent.objects.get(action="programme.contracted")
    assert event.data["convention"] == convention.pk


def test_contract_against_an_amendment_in_force(world):
    programme = world.validated()
    convention = world.convention_in_force()
    amendment = world.amendment_in_force(convention)
    programme = perform(
        programme, "contract", actor=world.director, data={"amendment": amendment.pk}
    ).obj
    assert programme.amendment == amendment and programme.convention == convention


def test_the_only_convention_in_force_is_chosen_by_default(world):
    programme = world.validated()
    convention = world.convention_in_force()
    assert perform(programme, "contract", actor=world.director).obj.convention == convention


def test_progress_is_refused_outside_execution(world):
    programme = world.contracted()
    action = programme.actions.first()
    with pytest.raises(errors.InvalidState) as refused:
        record(world, action)
    assert "en exécution" in refused.value.message
    programme = perform(programme, "start_execution", actor=world.director).obj
    record(world, action)
    programme = perform(programme, "evaluate", actor=world.director, comment="Bilan").obj
    with pytest.raises(errors.InvalidState):
        record(world, action)


def test_evaluation_needs_recorded_progress(world):
    programme = world.in_execution()
    with pytest.raises(errors.ConditionsUnmet):
        perform(programme, "evaluate", actor=world.director, comment="Bilan")


def test_progress_is_checked_and_append_only(world):
    programme = world.in_execution()
    action = programme.actions.get(title__startswith="Animer")
    with pytest.raises(ValidationError) as bad:
        record(
            world,
            action,
            year=TODAY.year + 5,
            quarter=5,
            percent_done=120,
            measurements={"PRA-T-02": "3", "PRA-T-01": "douze"},
        )
    assert set(bad.value.message_dict) == {"year", "quarter", "percent_done", "measurements"}
    with pytest.raises(PermissionDenied):
        record(world, action, actor=world.state_officer)
    first = record(world, action, percent_done=30)
    second = record(world, action, percent_done=35, comment="Correction")
    assert list(action.progress.all()) == [second, first]
    first.percent_done = 90
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
