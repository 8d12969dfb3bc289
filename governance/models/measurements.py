"""Yearly measurements of the national indicators, per ARML (entered by hand or imported)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.indicators import Indicator
from governance.models.organisations import Arml


class Measurement(models.Model):
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="measurements")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, default="manual")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["arml", "indicator", "year"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["arml", "indicator", "year"], name="unique_measurement")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"
