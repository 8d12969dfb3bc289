"""Reference data every installation holds from its first `migrate`: the 18 regions, each with
its ARML, and the national common indicators.

Written by the migrations (0005 for the indicators, 0008 for the regions and ARMLs) and put back
after every `post_migrate` — which `manage.py flush` sends too, so the flushes between
transactional tests do not leave a database without them. Loading is idempotent and only adds
what is missing: an ARML renamed by its onboarding keeps its name.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from fixtures.regions import CAPITALS, METROPOLITAN, OVERSEAS, arml_names

#: The migration after which the reference data can be loaded with today's models.
LAST_REFERENCE_MIGRATION = ("governance", "0011_reference_regions_armls")


def indicators() -> list[tuple[str, str, str, str, int | None]]:
    """The national indicators, as migration 0005 declares them (one list, not two)."""
    return importlib.import_module("governance.migrations.0005_national_indicators").INDICATORS


def load_regions(apps: Any, using: str = DEFAULT_DB_ALIAS) -> int:
    """Create the missing regions and ARMLs; returns how many rows were added."""
    Region = apps.get_model("governance", "Region")
    Arml = apps.get_model("governance", "Arml")
    regions = [(c, n, False) for c, n in METROPOLITAN] + [(c, n, True) for c, n in OVERSEAS]
    have = set(Region.objects.using(using).values_list("code", flat=True))
    missing = [Region(code=c, name=n, overseas=o) for c, n, o in regions if c not in have]
    Region.objects.using(using).bulk_create(missing)
    with_arml = set(Arml.objects.using(using).values_list("region__code", flat=True))
    added = []
    for region in Region.objects.using(using).filter(code__in=[c for c, _n, _o in regions]):
        if region.code not in with_arml:
            full, short = arml_names(region.name)
            added.append(
                Arml(region=region, name=full, short_name=short, city=CAPITALS.get(region.code, ""))
            )
    Arml.objects.using(using).bulk_create(added)
    # ARMLs made before the city existed get their regional capital, once (never overwritten).
    for arml in Arml.objects.using(using).filter(city="", region__code__in=list(CAPITALS)):
        arml.city = CAPITALS[arml.region.code]
        arml.save(update_fields=["city"])
    return len(missing) + len(added)


def load_indicators(apps: Any, using: str = DEFAULT_DB_ALIAS) -> int:
    Indicator = apps.get_model("governance", "Indicator")
    have = set(Indicator.objects.using(using).values_list("code", flat=True))
    missing = [
        Indicator(code=code, label=label, unit=unit, direction=direction, function=function)
        for code, label, unit, direction, function in indicators()
        if code not in have
    ]
    Indicator.objects.using(using).bulk_create(missing)
    return len(missing)


def after_migrate(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate (and flush): put back what is missing, once the schema has it."""
    from django.apps import apps as registry

    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table() or LAST_REFERENCE_MIGRATION not in recorder.applied_migrations():
        return  # a database migrated to an earlier state: its migrations load what it has
    load_regions(registry, using)
    load_indicators(registry, using)
