"""The test suite's settings: the project's, with the development defaults (DEBUG=1 when the
environment does not say, as `make run` does) and tasks run at once, in the test's transaction.

pytest-django turns DEBUG off again while tests run, as in production; a test that needs the
database task backend or production settings says so itself."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Renders run in the calling process in tests (faults injected with monkeypatch reach them);
# tests/governance/test_bounded_input.py runs them in the worker, under a budget, as production.
ARML_RENDER_TIMEOUT = 0
