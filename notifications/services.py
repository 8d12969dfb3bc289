"""Writes of the notification centre: create notifications, send their e-mails (after commit,
retried), mark them read.

An e-mail is sent by the task `notifications.tasks.send_notification`, enqueued after the
transaction that created the notification commits: a transition never waits for a mailer and a
failed send never undoes it. A failed attempt is tried again after 1, 5 and 30 minutes
(ARML_NOTIFICATION_RETRY_MINUTES), tracked on the row: through a deferred task where the task
backend can defer (django-tasks-db: `run_after`), and in any case by `deadlines run`, which
sends every attempt that is due. Each attempt is claimed by a compare-and-set on the row, so two
senders never send the same attempt twice. The outcome is ledgered once: `notification.sent`,
or `notification.failed` after the last attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from governance.organisations.models import Person
from notifications import conf
from notifications.models import EmailStatus, Notification

log = logging.getLogger(__name__)

#: A send still "sending" after this long was cut short (a worker stopped): try it again.
STUCK_AFTER = dt.timedelta(minutes=10)


@dataclass
class Message:
    """What one notification says: a title, paragraphs, the link to the object and others."""

    title: str
    lines: Sequence[str]
    url: str = ""  # the object's path; made absolute with ARML_BASE_URL
    action: str = ""  # the label of the main link
    links: Sequence[tuple[str, str]] = ()  # (label, absolute URL) further links
    attachments: Sequence[Mapping[str, str]] = field(default_factory=list)


def render(message: Message) -> tuple[str, str]:
    """(text, HTML) of the e-mail, in French."""
    context = {
        "title": message.title,
        "lines": list(message.lines),
        "url": conf.absolute(message.url) if message.url else "",
        "action": message.action,
        "links": list(message.links),
        "site": conf.base_url(),
    }
    with override(settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    return text, html


def notify(
    recipients: Iterable[Person],
    *,
    kind: str,
    message: Message,
    subject: models.Model | None = None,
    arml: Any = None,
) -> list[Notification]:
    """One notification per recipient (in the centre, and by e-mail when they have an address),
    their e-mails enqueued once the current transaction commits."""
    text, html = render(message)
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    arml = arml if arml is not None else getattr(subject, "arml", None)
    rows = [
        Notification(
            recipient=person,
            kind=kind,
            arml=arml,
            subject_type=subject_type,
            subject_id=str(subject.pk) if subject is not None else "",
            subject_label=str(subject)[:255] if subject is not None else "",
            url=message.url,
            title=message.title[:255],
            text=text,
            html=html,
            attachments=[dict(a) for a in message.attachments],
            email_status=EmailStatus.PENDING if person.email else EmailStatus.NONE,
        )
        for person in _unique(recipients)
    ]
    for row in rows:
        row.save()
    to_send = [row.pk for row in rows if row.email_status == EmailStatus.PENDING]
    if to_send:
        transaction.on_commit(lambda: _enqueue_all(to_send))
    return rows


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        if person.is_active:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def _enqueue_all(pks: list[int]) -> None:
    from notifications.tasks import send_notification

    for pk in pks:
        try:
            send_notification.enqueue(pk)
        except Exception:  # the row stays pending: `deadlines run` sends it
            log.exception("could not enqueue notification %s", pk)


# -- sending -----------------------------------------------------------------------------------
def send_attempt(pk: int, *, now: dt.datetime | None = None) -> str:
    """Make the attempt that is due for notification `pk`; returns its e-mail status after."""
    now = now or timezone.now()
    row = Notification.objects.filter(pk=pk).select_related("recipient").first()
    if row is None:
        return "missing"
    if row.email_status not in (EmailStatus.PENDING, EmailStatus.RETRY):
        return row.email_status
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        return row.email_status  # not yet: a later run sends it
    claimed = Notification.objects.filter(
        pk=pk, email_status=row.email_status, attempts=row.attempts
    ).update(email_status=EmailStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return "claimed"  # another sender took this attempt
    row.attempts += 1
    try:
        _email(row).send()
    except Exception as exc:  # any mailer failure: SMTP, DNS, a refused address…
        return _failed(row, exc, now)
    Notification.objects.filter(pk=pk).update(
        email_status=EmailStatus.SENT, sent_at=now, next_attempt_at=None, last_error=""
    )
    _ledger(row, "sent", attempts=row.attempts)
    return EmailStatus.SENT


def _email(row: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.title,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient.email],
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _failed(row: Notification, exc: Exception, now: dt.datetime) -> str:
    delays = conf.retry_delays()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("notification %s: attempt %s failed: %s", row.pk, row.attempts, error)
    if row.attempts <= len(delays):
        when = now + delays[row.attempts - 1]
        Notification.objects.filter(pk=row.pk).update(
            email_status=EmailStatus.RETRY, next_attempt_at=when, last_error=error
        )
        _schedule(row.pk, when)
        return EmailStatus.RETRY
    Notification.objects.filter(pk=row.pk).update(
        email_status=EmailStatus.FAILED, next_attempt_at=None, last_error=error
    )
    _ledger(row, "failed", attempts=row.attempts, error=error)
    return EmailStatus.FAILED


def _schedule(pk: int, when: dt.datetime) -> None:
    """A deferred task for the next attempt, where the backend can defer one."""
    from django.tasks import task_backends

    from notifications.tasks import send_notification

    if task_backends[send_notification.backend].supports_defer:
        send_notification.using(run_after=when).enqueue(pk)


def resend_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every attempt that is due (first sends never enqueued, retries, sends cut short)."""
    now = now or timezone.now()
    Notification.objects.filter(
        email_status=EmailStatus.SENDING, next_attempt_at__lt=now - STUCK_AFTER
    ).update(email_status=EmailStatus.RETRY, next_attempt_at=now)
    due = Notification.objects.filter(
        models.Q(email_status=EmailStatus.RETRY, next_attempt_at__lte=now)
        | models.Q(email_status=EmailStatus.PENDING, created_at__lte=now - dt.timedelta(minutes=1))
    ).values_list("pk", flat=True)
    counts: dict[str, int] = {}
    for pk in list(due):
        status = send_attempt(pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts


def _ledger(row: Notification, verb: str, **data: Any) -> None:
    from audit.services import append

    subject = _subject(row)
    try:
        append(
            action=f"notification.{verb}",
            actor=None,
            obj=subject or row,
            arml=row.arml,
            data={
                "notification": row.pk,
                "kind": row.kind,
                "recipient": row.recipient_id,
                "recipient_name": str(row.recipient),
                "object": row.subject_label,
                **data,
            },
        )
    except Exception:  # the mail went (or not) whatever the ledger says; say so loudly
        log.exception("could not ledger notification.%s for %s", verb, row.pk)


def _subject(row: Notification) -> models.Model | None:
    if row.subject_type_id is None:
        return None
    model = ContentType.objects.get_for_id(row.subject_type_id).model_class()
    return model._default_manager.filter(pk=row.subject_id).first() if model else None


# -- the centre --------------------------------------------------------------------------------
def notification_read(*, notification: Notification, actor: Person) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_all_read(*, actor: Person) -> int:
    return Notification.objects.filter(recipient=actor).unread().update(read_at=timezone.now())
