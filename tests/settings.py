"""The test suite's settings: the project's, with the development defaults (DEBUG=1 when the
environment does not say, as `make run` does) and tasks run at once, in the test's transaction.

pytest-django turns DEBUG off again while tests run, as in production; a test that needs the
database task backend or production settings says so itself."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# The second factor before a signature is on by default (config/settings.py) and cannot be
# turned off with DEBUG off. The suite signs in hundreds of places through perform() and the
# pages, so it runs with it off; tests/workflows/test_second_factor.py and the browser tests
# turn it on (the `second_factor_on` fixture) and play it over the API and the pages.
ARML_SECOND_FACTOR_REQUIRED = False
