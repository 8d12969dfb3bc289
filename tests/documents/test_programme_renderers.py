from documents.renderers import get_renderer
from documents.renderers.programmes import SAMPLES
from tests.documents.pdftext import extract_text


def _text(kind, facts):
    return extract_text(get_renderer(kind).render(facts)[1]).replace("\u00a0", " ")


def test_the_programme_prints_actions_by_function_with_budgets_and_totals():
    text = _text("programme", SAMPLES["programme"])
    for expected in (
        "1. Accompagnement des Missions Locales",
        "Animer le réseau des référents CEJ",
        "15 000,50 €",
        "25 000,50 €",
        "a" * 64,
    ):
        assert expected in text


def test_the_evaluation_report_prints_progress_and_measurements():
    text = _text("evaluation", SAMPLES["evaluation"])
    for expected in ("PRA-2026-2028-001", "100 %", "Objectifs atteints", "ARML-F1-01"):
        assert expected in text


def test_both_kinds_are_deterministic():
    for kind, facts in SAMPLES.items():
        assert get_renderer(kind).render(facts) == get_renderer(kind).render(facts)
