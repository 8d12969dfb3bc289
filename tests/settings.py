"""The test suite's settings: the project's, with the development defaults (DEBUG=1 when the
environment does not say, as `make run` does).

pytest-django turns DEBUG off again while tests run, as in production; a test that needs
production settings says so itself."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403
