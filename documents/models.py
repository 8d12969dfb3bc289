"""Issued documents, their versions and signatures (append-only), and the platform PKI."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.exceptions import AppendOnlyError


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(_("Issued documents cannot be modified."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(_("Issued documents cannot be deleted."))


class AppendOnlyModel(models.Model):
    """Rows are inserted once. A database trigger refuses UPDATE and DELETE as well."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(_("Issued documents cannot be modified."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(_("Issued documents cannot be deleted."))


class Document(AppendOnlyModel):
    """One issued document (a convention, minutes…) about one object, with its signer slots.

    `facts` is the copy of what the PDF prints, so the document never changes after issue;
    a correction is a new document that supersedes this one.
    """

    kind = models.CharField(_("kind"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    arml = models.ForeignKey(
        "governance.Arml",
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("ARML"),
    )
    title = models.CharField(_("title"), max_length=255)
    signer_slots = models.JSONField(_("expected signers"), default=list)
    facts = models.JSONField(_("facts printed"), default=dict)
    facts_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "supersession")

    def slot(self, field: str) -> dict[str, str] | None:
        return next((s for s in self.signer_slots if s["field"] == field), None)


class DocumentVersion(AppendOnlyModel):
    """The whole PDF at one point: version n+1 is version n plus one incremental signature."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    n = models.PositiveIntegerField(_("version"))
    parent = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="child"
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    storage_key = models.CharField(_("storage key"), max_length=255, unique=True)
    filename = models.CharField(_("file name"), max_length=160)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "n"]
        constraints = [
            models.UniqueConstraint(fields=["document", "n"], name="documents_version_unique_n"),
            models.CheckConstraint(
                condition=Q(n=1, parent__isnull=True) | Q(n__gt=1, parent__isnull=False),
                name="documents_version_parent_iff_not_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.n}"

    def get_absolute_url(self) -> str:
        return reverse("documents:version_detail", args=[self.pk])

    @property
    def is_superseded(self) -> bool:
        """Superseded by a later version (a countersignature) or with its whole document."""
        return DocumentVersion.objects.filter(parent=self).exists() or self.document.is_superseded


class Supersession(AppendOnlyModel):
    """Marks a document as replaced (corrections are new documents, never edits)."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="supersession")
    replaced_by = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("supersession")
        verbose_name_plural = _("supersessions")

    def __str__(self) -> str:
        return str(self.document)


class Attachment(AppendOnlyModel):
    """A file attached as evidence to an object (documents/attachments.py): never edited nor
    deleted; a newer one supersedes it, with the reason."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    arml = models.ForeignKey(
        "governance.Arml",
        on_delete=models.PROTECT,
        related_name="attachments",
        null=True,
        blank=True,
        verbose_name=_("ARML"),
    )
    kind = models.CharField(_("kind of evidence"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    filename = models.CharField(_("file name"), max_length=160)
    format = models.CharField(_("format"), max_length=10)
    mimetype = models.CharField(_("media type"), max_length=100)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    storage_key = models.CharField(_("storage key"), max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    reason = models.TextField(_("reason for superseding"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"

    def get_absolute_url(self) -> str:
        return reverse("documents:attachment_content", args=[self.pk])

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")


class Signature(AppendOnlyModel):
    """One signature field filled in one version."""

    version = models.OneToOneField(
        DocumentVersion, on_delete=models.PROTECT, related_name="signature"
    )
    field = models.CharField(_("signature field"), max_length=64)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_signatures",
        verbose_name=_("signer"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=40)
    certificate_fingerprint = models.CharField(_("certificate fingerprint"), max_length=64)
    signed_at = models.DateTimeField(_("signing time"))
    timestamped_at = models.DateTimeField(_("timestamp time"), null=True, blank=True)
    delegation = models.JSONField(
        _("delegation"),
        default=dict,
        blank=True,
        help_text=_(
            "The delegation signed under (principal, reference, dates), as the engine "
            "passed it; empty for a signature in one's own name."
        ),
    )
    second_factor = models.CharField(
        _("second factor"),
        max_length=16,
        blank=True,
        default="",
        help_text=_(
            "The kind of second factor that confirmed the act of signing (totp, webauthn, "
            "recovery); empty when none was asked."
        ),
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.signer}"


class CertificateKind(models.TextChoices):
    CA = "ca", _("Certification authority")
    SEAL = "seal", _("Platform seal")
    TSA = "tsa", _("Timestamp authority")
    SIGNER = "signer", _("Signer")


class KeyStore(models.TextChoices):
    DATABASE = "database", _("database (encrypted)")
    PKCS11 = "pkcs11", _("PKCS#11 token")


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def usable(self) -> CertificateQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, not_before__lte=now, not_after__gt=now)


class Certificate(models.Model):
    """A certificate issued by the platform CA, and where its private key is (documents.keys):
    encrypted in `encrypted_key`, or in a PKCS#11 token under the CKA_ID `key_reference`.

    Not append-only: revocation sets `revoked_at`, `pki rekey` re-encrypts the key. The key is
    never shown (see admin).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=CertificateKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=40, blank=True)
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=48)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    encrypted_key = models.BinaryField(editable=False, blank=True, default=b"")
    key_store = models.CharField(
        _("key store"), max_length=10, choices=KeyStore.choices, default=KeyStore.DATABASE
    )
    key_reference = models.CharField(_("key reference in the token"), max_length=64, blank=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind__in=["ca", "seal", "tsa"], revoked_at__isnull=True),
                name="documents_one_live_platform_certificate_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.not_after <= timezone.now()
