"""Reference data: the common indicators every ARML reports on (one or two per function).

The national evaluation method fixes the list; a deployment may add its own through the admin.
"""

from django.db import migrations

INDICATORS = [
    (
        "ARML-F1-01",
        "Missions Locales accompagnées dans le déploiement des dispositifs publics",
        "ML",
        "up",
        1,
    ),
    ("ARML-F1-02", "Dialogues de gestion préparés avec les Missions Locales", "dialogues", "up", 1),
    (
        "ARML-F2-01",
        "Salariés du réseau formés dans le plan régional de formation",
        "salariés",
        "up",
        2,
    ),
    ("ARML-F2-02", "Heures de formation dispensées", "heures", "up", 2),
    ("ARML-F3-01", "Publications de l'observatoire régional des parcours", "publications", "up", 3),
    ("ARML-F4-01", "Partenariats régionaux actifs", "partenariats", "up", 4),
    ("ARML-F5-01", "Projets de territoire accompagnés", "projets", "up", 5),
    ("ARML-G-01", "Délai moyen de transmission des données aux financeurs", "jours", "down", None),
]


def forward(apps, schema_editor):
    Indicator = apps.get_model("governance", "Indicator")
    for code, label, unit, direction, function in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={"label": label, "unit": unit, "direction": direction, "function": function},
        )


def backward(apps, schema_editor):
    apps.get_model("governance", "Indicator").objects.filter(
        code__in=[i[0] for i in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_conventions")]
    operations = [migrations.RunPython(forward, backward)]
