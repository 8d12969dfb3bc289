"""What is recorded between a meeting's transitions: its agenda, the convocations sent and
received, the attendance sheet, proxies, declarations of interest and the voices on each item.

Proxies vote through their holder: the holder casts one separate voice per proxy (it may differ
from their own); the vote row names the member whose voice it is and who cast it. A member who
declared an interest on an item neither votes nor casts proxies on it and is not counted among
the members for that item.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.meetings.models.meetings import ItemKind, Meeting
from governance.meetings.rules import Choice, Presence
from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Person


def subject_version(subject: models.Model) -> str:
    """The version a deliberation decides on, as people name it (v1, v2…): the subject's own
    `deliberation_version()` if it has one, the number of its current content version (a
    convention's), else its count of transitions."""
    own = getattr(subject, "deliberation_version", None)
    if callable(own):
        return str(own())
    content = getattr(subject, "content", None)
    number = getattr(content, "n", None)
    if isinstance(number, int):
        return f"v{number}"
    return f"v{getattr(subject, 'version', 0) or 1}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    description = BoundedTextField(_("description"), blank=True, max_length=limits.TEXT)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.DELIBERATION
    )
    subject_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_content_type", "subject_id")
    subject_fingerprint = models.CharField(
        _("fingerprint of the subject"), max_length=128, blank=True
    )
    subject_label = models.CharField(_("subject"), max_length=255, blank=True)
    subject_reference = models.CharField(_("reference of the subject"), max_length=64, blank=True)
    subject_version = models.CharField(_("version decided on"), max_length=20, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="unique_item_order")
        ]
        indexes = [models.Index(fields=["subject_content_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def is_voted(self) -> bool:
        return self.kind != ItemKind.INFORMATION

    def copy_subject(self, subject: models.Model | None) -> None:
        """Point at `subject` and copy what it says of itself now: the deliberation decides on
        *that* version."""
        if subject is None:
            return
        self.subject_content_type = ContentType.objects.get_for_model(subject)
        self.subject_id = str(subject.pk)
        fingerprint = getattr(subject, "deliberation_fingerprint", None)
        self.subject_fingerprint = fingerprint() if callable(fingerprint) else ""
        self.subject_label = str(subject)[:255]
        reference = getattr(subject, "reference", None)
        self.subject_reference = (reference() if callable(reference) else "")[:64]
        self.subject_version = subject_version(subject)[:20]

    def freeze_subject(self) -> None:
        """At convening: the version the convocation announces is the one decided on."""
        subject = self.subject if self.subject_content_type_id else None
        if subject is None:
            return
        self.copy_subject(subject)
        self.save(
            update_fields=[
                "subject_fingerprint",
                "subject_label",
                "subject_reference",
                "subject_version",
            ]
        )


class Invitation(models.Model):
    """The convocation as sent to one member, and when they acknowledged it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="invitations")
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "person__last_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.person}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class Proxy(models.Model):
    """A member (giver) who cannot attend is represented by another member (holder)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proxies_given", verbose_name=_("giver")
    )
    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proxies_held", verbose_name=_("holder")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "giver"], name="one_proxy_per_giver"),
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="proxy_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.holder}"


class InterestDeclaration(models.Model):
    """A member's interest in an item: they neither vote nor count on it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interest_declarations"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declaration of interest")
        verbose_name_plural = _("declarations of interest")
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="unique_interest")]

    def __str__(self) -> str:
        return f"{self.person} — {self.item}"


class Vote(models.Model):
    """One member's voice on one item; `cast_by` is the holder when it is a proxy's voice."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    cast_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes_cast")
    choice = models.CharField(_("vote"), max_length=12, choices=Choice.choices)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "voter"], name="one_vote_per_voice")]

    def __str__(self) -> str:
        return f"{self.voter}: {self.get_choice_display()}"
