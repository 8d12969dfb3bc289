"""System checks (`manage.py check --deploy` and start-up) for the ledger's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def ledger_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from audit import conf

    try:
        conf.checkpoint_every(), conf.checkpoint_minutes(), conf.tsa_max_delay_seconds()
        storage, directory = conf.witness_storage(), conf.witness_dir()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="audit.E001")]
    if not settings.DEBUG and not storage and directory is None:
        return [
            checks.Warning(
                "No witness for the ledger's checkpoints: whoever can rewrite the database can "
                "rewrite the ledger unnoticed.",
                hint="Set ARML_LEDGER_WITNESS_DIR or ARML_LEDGER_WITNESS_STORAGE "
                "(README § Audit ledger).",
                id="audit.W001",
            )
        ]
    return []
