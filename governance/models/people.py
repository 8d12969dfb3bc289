import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models.bodies import Body
from governance.models.organisations import Arml, Funder, FunderKind, MissionLocale


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


class Role(models.TextChoices):
    PRESIDENT = "president", _("ARML president")
    BOARD_MEMBER = "board_member", _("Board member")
    SECRETARY = "secretary", _("Secretary")
    ARML_DIRECTOR = "arml_director", _("ARML director")
    ARML_STAFF = "arml_staff", _("ARML staff")
    COMMITTEE_CHAIR = "committee_chair", _("Technical committee chair")
    ML_DIRECTOR = "ml_director", _("Mission Locale director")
    ML_PRESIDENT = "ml_president", _("Mission Locale president")
    STATE_OFFICER = "state_officer", _("State officer")
    REGION_OFFICER = "region_officer", _("Region officer")
    OTHER_FUNDER = "other_funder", _("Other funder's officer")
    AUDITOR = "auditor", _("Auditor")


ML_ROLES = {Role.ML_DIRECTOR, Role.ML_PRESIDENT}
FUNDER_ROLES = {
    Role.STATE_OFFICER: {FunderKind.STATE},
    Role.REGION_OFFICER: {FunderKind.REGION},
    Role.OTHER_FUNDER: {FunderKind.ARS, FunderKind.DISP, FunderKind.CARSAT, FunderKind.OTHER},
}


class MandateQuerySet(models.QuerySet["Mandate"]):
    def active(self, on: dt.date | None = None) -> "MandateQuerySet":
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
