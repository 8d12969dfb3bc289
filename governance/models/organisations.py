from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of the 18 French regions; `code` is the INSEE region code."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    overseas = models.BooleanField(_("overseas"), default=False)

    class Meta:
        ordering = ["overseas", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:region_detail", args=[self.code])


class Arml(models.Model):
    """The regional association of Missions Locales (loi 1901), one per region."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="arml")
    name = models.CharField(_("name"), max_length=160, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    action_plan_board_threshold = models.DecimalField(
        _("action plan budget above which a board deliberation is required (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("30000.00"),
    )
    dialogue_file_days = models.PositiveSmallIntegerField(
        _("management dialogue file due (days before the meeting)"), default=15
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("ARML")
        verbose_name_plural = _("ARMLs")
        default_permissions = ("add", "change", "delete", "view")

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("governance:arml_detail", args=[self.pk])


class MissionLocale(models.Model):
    """A member structure of an ARML; its president and director are held through mandates."""

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="missions_locales")
    name = models.CharField(_("name"), max_length=160)
    city = models.CharField(_("city"), max_length=80)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Mission Locale")
        verbose_name_plural = _("Missions Locales")
        constraints = [
            models.UniqueConstraint(fields=["arml", "name"], name="unique_ml_name_per_arml")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:ml_detail", args=[self.pk])


class FunderKind(models.TextChoices):
    STATE = "state", _("State")
    REGION = "region", _("Regional council")
    ARS = "ars", _("Regional health agency (ARS)")
    DISP = "disp", _("Prison services (DISP)")
    CARSAT = "carsat", _("CARSAT")
    OTHER = "other", _("Other funder")


class Funder(models.Model):
    """A funder as it acts in one region (the DREETS of a region, the Regional council…)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="funders")
    kind = models.CharField(_("kind"), max_length=10, choices=FunderKind.choices)
    name = models.CharField(_("name"), max_length=160)

    class Meta:
        ordering = ["region", "kind", "name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_funder_per_region")
        ]

    def __str__(self) -> str:
        return self.name
