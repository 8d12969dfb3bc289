"""Reference data: the 18 regions and their ARMLs (fixtures/regions.py), not only in the demo.

A fresh `migrate` used to leave no region and no ARML; onboarding an ARML starts from its
region's row. governance.organisations.reference puts them back after a flush as well.
"""

from django.db import migrations


def forward(apps, schema_editor):
    from governance.organisations.reference import load_regions

    load_regions(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("governance", "0010_versions")]
    # Unapplying keeps the rows: deleting an ARML would cascade into whatever an installation has
    # built on it, and reference data in an older schema does no harm.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
