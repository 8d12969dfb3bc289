"""config/labels.py: one verb may read differently on one kind of object."""

from django.utils import translation

from config.labels import event_label


def test_a_report_opened_is_not_a_meeting_opened():
    with translation.override("fr"):
        assert event_label("meeting.opened") == "Ouverture de la séance"
        assert event_label("financial_report.opened") == "Ouverture"
        assert "séance" not in event_label("financial_report.opened")
