"""Guardian object permissions with direct foreign keys (docs/architecture.md).

Direct FKs instead of guardian's generic tables: scope checks become plain joins that the
database can index, and deleting an ARML cannot leave orphaned permission rows.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from governance.organisations.models import Arml


class ArmlUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Arml, on_delete=models.CASCADE, related_name="user_perms")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "ARML user permission"


class ArmlGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Arml, on_delete=models.CASCADE, related_name="group_perms")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "ARML group permission"


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active(self, on: dt.date | None = None) -> "DelegationQuerySet":
        day = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, start__lte=day, end__gte=day)


class Delegation(models.Model):
    """A delegate acts for a principal, for some transitions, in one ARML, between two dates.

    `transitions` holds action names such as "action_plan.approve" or "convention.countersign";
    "*" means every transition the principal may perform. `end` is the last day, inclusive: a
    signature delegation is written "until 31 December".
    """

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received"
    )
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="delegations")
    transitions = models.JSONField(_("transitions"), default=list)
    start = models.DateField(_("start"))
    end = models.DateField(_("end (inclusive)"))
    reason = models.CharField(_("reason"), max_length=300)
    #: The act that delegates (an arrêté préfectoral, a deliberation of the Region's commission
    #: permanente…): documents signed by delegation print it.
    act_reference = models.CharField(_("delegating act"), max_length=200, blank=True)
    act_date = models.DateField(_("date of the delegating act"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="delegation_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(principal=F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(delegate)s for %(principal)s, by delegation of %(date)s")
            % {
                "delegate": self.delegate,
                "principal": self.principal,
                "date": self.start.strftime("%d/%m/%Y"),
            }
        )

    def evidence(self) -> str:
        """The delegating act as documents print it ("arrêté n° … du 15/01/2026"), or ""."""
        if not self.act_reference:
            return ""
        if self.act_date is None:
            return self.act_reference
        return str(
            _("%(act)s of %(date)s")
            % {"act": self.act_reference, "date": self.act_date.strftime("%d/%m/%Y")}
        )

    def covers_kind(self, prefix: str) -> bool:
        """Whether it delegates an action on objects of this kind ("convention")."""
        return "*" in self.transitions or any(
            action.split(".", 1)[0] == prefix for action in self.transitions
        )

    def covers(self, action: str, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        if self.revoked_at is not None or not (self.start <= day <= self.end):
            return False
        return "*" in self.transitions or action in self.transitions
