from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models.organisations import Arml


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
