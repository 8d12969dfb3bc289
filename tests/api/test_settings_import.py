"""The API's settings load in any order (the CI's `check --deploy` once failed on a cycle).

Django's system checks run in an order that varies between runs; DRF's pagination check may
be the first to load `config.api`. That module must then not need DRF's views, which read the
parser setting pointing back at it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIRST = ["DEFAULT_PAGINATION_CLASS", "DEFAULT_PARSER_CLASSES", "EXCEPTION_HANDLER"]


@pytest.mark.parametrize("setting", FIRST)
def test_each_api_setting_can_be_the_first_one_loaded(setting):
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings\n"
        f"getattr(api_settings, {setting!r})\n"
        "for name in %r: getattr(api_settings, name)\n" % FIRST
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
