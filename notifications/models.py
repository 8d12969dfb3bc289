"""The notification centre: what was said to whom about which object, whether they read it,
and how its e-mail fared (attempts, next attempt, error); and the reminders already sent, so
that each goes out once."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Arml, Person


class Kind(models.TextChoices):
    CONVOCATION = "convocation", _("Convocation")
    AWAITING = "awaiting", _("Action awaited")
    REFUSED = "refused", _("Refusal or return")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Overdue")
    ACCOUNT = "account", _("Account")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("To send again")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail address")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    arml = models.ForeignKey(
        Arml, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(_("about"), max_length=255, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(blank=True)
    #: [{"filename", "mimetype", "content"}]: small text attachments (the .ics invitation).
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SentReminder(models.Model):
    """One reminder of one deadline to one person: the unique key makes `deadlines run`
    idempotent (run it twice, each reminder goes out once)."""

    deadline = models.CharField(_("deadline"), max_length=200)
    offset = models.CharField(_("offset"), max_length=12)  # "30", "7", "1" or "overdue"
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "offset", "recipient"], name="one_reminder_per_offset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} ({self.offset}) → {self.recipient}"
