"""The five functions of an ARML (cadre de référence, § Les fonctions des ARML)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Function(models.IntegerChoices):
    PUBLIC_SCHEMES = 1, _("1. Supporting Missions Locales in public schemes")
    PROFESSIONALISATION = 2, _("2. Professionalisation of the network")
    OBSERVATION = 3, _("3. Observation and promotion")
    PARTNERSHIPS = 4, _("4. Leading regional partnerships")
    TERRITORIAL_PROJECTS = 5, _("5. Supporting territorial projects")
