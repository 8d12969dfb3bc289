"""National common indicators (indicateurs communs nationaux): reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    function = models.PositiveSmallIntegerField(_("ARML function"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("national indicator")
        verbose_name_plural = _("national indicators")

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"
