"""The viewflow process of a circuit: it only points at the domain object and knows whose turn
it is (docs/architecture.md § Circuits); the object keeps its own state."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class Circuit(Process):
    arml = models.ForeignKey("governance.Arml", on_delete=models.PROTECT, related_name="circuits")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        verbose_name = _("signature circuit")
        verbose_name_plural = _("signature circuits")
        # viewflow appends "manage" when a flow is imported: declared so migrations stay stable.
        default_permissions = ("add", "change", "delete", "view", "manage")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.flow_class.process_title if self.flow_class else ''} #{self.pk}"

    @classmethod
    def for_object(cls, obj: Any) -> models.QuerySet[Circuit]:
        circuits: models.QuerySet[Circuit] = cls.objects.filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
        )
        return circuits


class SecondFactorConfirmation(models.Model):
    """A second factor verified for one person on one channel (a session or an API token, by
    the SHA-256 of its key): it vouches for the signatures of that channel for
    ARML_SECOND_FACTOR_MINUTES (workflows/second_factor.py). Kept in the database, not in the
    session, so that API clients get the same window and every server process sees it."""

    person = models.ForeignKey(
        "governance.Person", on_delete=models.CASCADE, related_name="second_factor_confirmations"
    )
    channel = models.CharField(_("channel"), max_length=64)
    kind = models.CharField(_("kind of second factor"), max_length=16)
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("second-factor confirmation")
        verbose_name_plural = _("second-factor confirmations")
        indexes = [models.Index(fields=["person", "channel", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.confirmed_at:%Y-%m-%d %H:%M}"
