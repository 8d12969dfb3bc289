"""The tasks machinery: django.tasks with the database backend, run by the worker command."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task, task_backends

pytestmark = pytest.mark.django_db


@task()
def shout(word: str) -> str:
    return word.upper()


def test_the_tests_run_tasks_at_once():
    assert shout.enqueue("oui").return_value == "OUI"


# Committed rows, as in production: the worker closes and reopens its connection between tasks,
# which would end a test's enclosing transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_with_the_db_backend_waits_for_the_worker_which_runs_it(
    settings, ledger_purge
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = shout.enqueue("bonjour")
    result.refresh()
    assert result.status == TaskResultStatus.READY  # stored, not run

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "BONJOUR"


def test_the_production_settings_use_the_database_backend():
    from config import settings as project

    assert project.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
