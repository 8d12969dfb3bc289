"""The base every room reads: regions, ARMLs, Missions Locales, funders, people and their
mandates, bodies and their rules, the five functions and the national indicators (reference
data). See docs/domain.md for the glossary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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
    city = models.CharField(
        _("city"),
        max_length=80,
        blank=True,
        help_text=_("Where the minutes of a meeting held by video conference are drawn up."),
    )
    action_plan_body = models.CharField(
        _("body whose deliberation approves an action plan above the threshold"),
        max_length=5,
        choices=[("CA", _("Board of directors")), ("BUR", _("Bureau"))],
        default="CA",
    )
    cpom_freeze_needs_funders_agreement = models.BooleanField(
        _("the CPOM is frozen only once the State and the Region agreed on the version"),
        default=True,
    )
    countersign_evidence_required = models.BooleanField(
        _("countersignatures need their evidence attached"),
        default=False,
        help_text=_(
            "The Region countersigns only once its commission permanente's deliberation is "
            "attached; a delegate countersigns only once the order (arrêté) delegating the "
            "signature is attached."
        ),
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


class BodyKind(models.TextChoices):
    AG = "AG", _("General assembly")
    CA = "CA", _("Board of directors")
    BUREAU = "BUR", _("Bureau")
    TECHNICAL_COMMITTEE = "CT", _("Technical committee of directors")
    STEERING_COMMITTEE = "COPIL", _("Regional steering committee")


class Body(models.Model):
    """An association body (instance); its members are the people holding a mandate on it."""

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=5, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=160)

    class Meta:
        ordering = ["arml", "kind"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["arml", "kind"], name="unique_body_kind_per_arml")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.arml}"

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", args=[self.pk])


class Role(models.TextChoices):
    PRESIDENT = "president", _("ARML president")
    BOARD_MEMBER = "board_member", _("Board member")
    SECRETARY = "secretary", _("Secretary")
    ARML_DIRECTOR = "arml_director", _("ARML director")
    ARML_STAFF = "arml_staff", _("ARML staff")
    COMMITTEE_CHAIR = "committee_chair", _("Technical committee chair")
    #: Acts for the committee where its chair may not (their own plan, their Mission Locale's).
    VICE_CHAIR = "vice_chair", _("Technical committee vice-chair")
    ML_DIRECTOR = "ml_director", _("Mission Locale director")
    ML_PRESIDENT = "ml_president", _("Mission Locale president")
    STATE_OFFICER = "state_officer", _("State officer")
    REGION_OFFICER = "region_officer", _("Region officer")
    OTHER_FUNDER = "other_funder", _("Other funder's officer")
    AUDITOR = "auditor", _("Auditor")
    TREASURER = "treasurer", _("Treasurer")


class Majority(models.TextChoices):
    VOTES_CAST = "cast", _("Majority of votes cast")
    ABSOLUTE = "absolute", _("Absolute majority of members")
    TWO_THIRDS = "two_thirds", _("Two-thirds of votes cast")


class BodyRules(models.Model):
    """The body's rules from the statutes / internal regulations (all configurable in data)."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="rules")
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum denominator"), default=2, validators=[MinValueValidator(1)]
    )
    second_quorum_numerator = models.PositiveSmallIntegerField(
        _("2nd-convocation quorum numerator"),
        default=0,
        help_text=_("0 means no quorum is required at the second convocation."),
    )
    second_quorum_denominator = models.PositiveSmallIntegerField(
        _("2nd-convocation quorum denominator"), default=1, validators=[MinValueValidator(1)]
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=15)
    max_proxies_per_holder = models.PositiveSmallIntegerField(_("proxies per holder"), default=1)
    majority = models.CharField(
        _("majority rule"), max_length=10, choices=Majority.choices, default=Majority.VOTES_CAST
    )
    chair_casting_vote = models.BooleanField(_("chair has a casting vote"), default=True)
    opening_margin_minutes = models.PositiveSmallIntegerField(
        _("opening margin (minutes)"),
        default=60,
        help_text=_("A meeting opens at the earliest this long before its start (Paris time)."),
    )
    convener_role = models.CharField(
        _("convened and chaired by"),
        max_length=20,
        choices=[(r.value, r.label) for r in (Role.PRESIDENT, Role.COMMITTEE_CHAIR)],
        blank=True,
        help_text=_(
            "Empty: the technical committee's chair for the technical committee, the ARML "
            "president for the other bodies."
        ),
    )
    extract_issuer_role = models.CharField(
        _("certified extracts issued by"),
        max_length=20,
        choices=[(r.value, r.label) for r in (Role.PRESIDENT, Role.SECRETARY)],
        default=Role.PRESIDENT,
    )

    class Meta:
        verbose_name = _("body rules")
        verbose_name_plural = _("body rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="quorum_at_most_one",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    second_quorum_numerator__lte=models.F("second_quorum_denominator")
                ),
                name="second_quorum_at_most_one",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rules of %(body)s") % {"body": self.body})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.convener_role:
            self.convener_role = default_convener(self.body.kind)
        super().save(*args, **kwargs)

    @property
    def convener(self) -> str:
        """The role that convenes and chairs the body's meetings (BodyRules.convener_role)."""
        return self.convener_role or default_convener(self.body.kind)

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def second_quorum(self) -> Fraction:
        return Fraction(self.second_quorum_numerator, self.second_quorum_denominator)

    def clean(self) -> None:
        if self.quorum_denominator and self.quorum_numerator > self.quorum_denominator:
            raise ValidationError(_("The quorum cannot exceed all the members."))
        if (
            self.second_quorum_denominator
            and self.second_quorum_numerator > self.second_quorum_denominator
        ):
            raise ValidationError(_("The second-convocation quorum cannot exceed all the members."))


def default_convener(body_kind: str) -> str:
    """Statuts: the technical committee is convened by its chair, the other bodies by the ARML
    president."""
    return "committee_chair" if body_kind == BodyKind.TECHNICAL_COMMITTEE else "president"


class Person(AbstractUser):
    """A human user. Their roles and scope come only from their mandates."""

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("governance:person_detail", args=[self.pk])


ML_ROLES = {Role.ML_DIRECTOR, Role.ML_PRESIDENT}
FUNDER_ROLES = {
    Role.STATE_OFFICER: {FunderKind.STATE},
    Role.REGION_OFFICER: {FunderKind.REGION},
    Role.OTHER_FUNDER: {FunderKind.ARS, FunderKind.DISP, FunderKind.CARSAT, FunderKind.OTHER},
}


class MandateQuerySet(models.QuerySet["Mandate"]):
    def active(self, on: dt.date | None = None) -> MandateQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day)


class Mandate(models.Model):
    """A role held by a person in an ARML (and possibly an ML, a funder or a body), for a period.

    The mandate runs from `start` (included) to `end` (excluded: the day it ended); an empty
    `end` means open-ended. Ending a mandate today therefore removes its scope at once. Scope
    (the ARML object permission) and role groups follow the active mandates: see
    permissions.services.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mandates")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="mandates")
    mission_locale = models.ForeignKey(
        MissionLocale, on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="mandates"
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "role"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="mandate_end_after_start",
            )
        ]
        indexes = [models.Index(fields=["person", "role"]), models.Index(fields=["arml", "role"])]

    def __str__(self) -> str:
        where = self.body or self.mission_locale or self.funder or self.arml
        return f"{self.person} — {self.get_role_display()} ({where})"

    def is_active(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start <= day and (self.end is None or day < self.end)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _("The end date cannot be before the start date.")
        if self.arml_id:
            if self.mission_locale_id and self.mission_locale.arml_id != self.arml_id:
                errors["mission_locale"] = _("This Mission Locale belongs to another ARML.")
            if self.body_id and self.body.arml_id != self.arml_id:
                errors["body"] = _("This body belongs to another ARML.")
            if self.funder_id and self.funder.region_id != self.arml.region_id:
                errors["funder"] = _("This funder acts in another region.")
        if self.role in ML_ROLES and not self.mission_locale_id:
            errors["mission_locale"] = _("This role is held in a Mission Locale: choose it.")
        kinds = FUNDER_ROLES.get(self.role)
        if kinds is not None:
            if not self.funder_id:
                errors["funder"] = _("This role is held for a funder: choose it.")
            elif self.funder.kind not in kinds:
                errors["funder"] = _("This funder does not match the role.")
        if errors:
            raise ValidationError(errors)
        overlap = self.overlapping().first()
        if overlap is not None:
            raise ValidationError(
                _(
                    "%(person)s already holds this role here from %(start)s to %(end)s: "
                    "mandates for the same role and body cannot overlap."
                )
                % {
                    "person": self.person,
                    "start": overlap.start.strftime("%d/%m/%Y"),
                    "end": overlap.end.strftime("%d/%m/%Y") if overlap.end else _("open-ended"),
                }
            )

    def overlapping(self) -> MandateQuerySet:
        qs = Mandate.objects.filter(
            person_id=self.person_id,
            role=self.role,
            arml_id=self.arml_id,
            body_id=self.body_id,
            mission_locale_id=self.mission_locale_id,
            funder_id=self.funder_id,
        ).exclude(pk=self.pk)
        qs = qs.filter(Q(end__isnull=True) | Q(end__gt=self.start))
        if self.end is not None:
            qs = qs.filter(start__lt=self.end)
        return qs


class Function(models.IntegerChoices):
    PUBLIC_SCHEMES = 1, _("1. Supporting Missions Locales in public schemes")
    PROFESSIONALISATION = 2, _("2. Professionalisation of the network")
    OBSERVATION = 3, _("3. Observation and promotion")
    PARTNERSHIPS = 4, _("4. Leading regional partnerships")
    TERRITORIAL_PROJECTS = 5, _("5. Supporting territorial projects")


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
    # The range a measurement may take (issue 13.14): counts and delays cannot be negative, a
    # rate cannot pass 100. Empty: no bound on that side.
    min_value = models.DecimalField(
        _("lowest value"), max_digits=14, decimal_places=2, null=True, blank=True, default=0
    )
    max_value = models.DecimalField(
        _("highest value"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("national indicator")
        verbose_name_plural = _("national indicators")

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    def out_of_range(self, value: Decimal) -> str:
        """Why `value` cannot be a measurement of this indicator, or "" when it can."""
        if self.min_value is not None and value < self.min_value:
            return _("%(code)s cannot be below %(min)s.") % {
                "code": self.code,
                "min": self.min_value.normalize(),
            }
        if self.max_value is not None and value > self.max_value:
            return _("%(code)s cannot be above %(max)s.") % {
                "code": self.code,
                "max": self.max_value.normalize(),
            }
        return ""
