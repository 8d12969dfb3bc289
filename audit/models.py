"""The ledger: hash-chained append-only events, signed checkpoints (docs/architecture.md § The ledger).

Rows of AuditEvent, Checkpoint and MerkleChunk (subtree roots) are written once. The model
methods below refuse updates and deletes, and so do database triggers (migration 0002) for raw
SQL.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Func, TextField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.canonical import FIELDS, GENESIS_HASH


class LedgerImmutableError(Exception):
    """Raised on any attempt to change or delete a ledger row through the ORM."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise LedgerImmutableError("the audit ledger is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerImmutableError("the audit ledger is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("the audit ledger is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerImmutableError("the audit ledger is append-only")


class CanonicalTime(Func):
    """The event time as its canonical string (canonical.format_time), computed by the database:
    formatting a million datetimes in Python costs more than hashing them."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotImplementedError(f"CanonicalTime is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql_template(
            compiler,
            connection,
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; the fraction is omitted when zero.
        return self.as_sql_template(
            compiler,
            connection,
            "(replace(%(expressions)s, ' ', 'T') || CASE WHEN length(%(expressions)s) = 19 "
            "THEN '.000000+00:00' ELSE '+00:00' END)",
        )

    def as_sql_template(self, compiler: Any, connection: Any, template: str) -> Any:
        return super().as_sql(compiler, connection, template=template)


class AuditEvent(AppendOnlyModel):
    """One fact of the ledger. `hash` = SHA-256 of the canonical JSON of all the other fields
    (audit.canonical); `prev_hash` is the previous event's hash, so the rows form a chain.

    `data` and `documents` are kept as their canonical JSON text rather than in a JSON column:
    PostgreSQL's jsonb would rewrite them, and the bytes hashed must be the bytes stored.
    """

    seq = models.PositiveBigIntegerField(_("sequence number"), primary_key=True)
    time = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor's name"), max_length=200, blank=True)
    actor_roles = models.CharField(_("actor's roles"), max_length=300, blank=True)
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    principal_name = models.CharField(_("principal's name"), max_length=200, blank=True)
    principal_roles = models.CharField(_("principal's roles"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    arml = models.ForeignKey(
        "governance.Arml",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ARML"),
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    from_state = models.CharField(_("from state"), max_length=64, blank=True)
    to_state = models.CharField(_("to state"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data_json = models.TextField(_("data"), default="{}")
    documents_json = models.TextField(_("documents"), default="[]")
    request_ip = models.CharField(_("IP address"), max_length=45, blank=True)
    request_user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_event_object"),
            models.Index(fields=["arml", "seq"], name="audit_event_arml"),
            models.Index(fields=["actor", "seq"], name="audit_event_actor"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_gte_1")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def get_absolute_url(self) -> str:
        return reverse("audit:event_detail", args=[self.seq])

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.data_json)

    @property
    def documents(self) -> list[dict[str, Any]]:
        return json.loads(self.documents_json)

    @property
    def is_refusal(self) -> bool:
        return self.action.endswith(".refused_attempt")

    def record(self) -> dict[str, Any]:
        """The canonical record (audit.canonical.FIELDS) this event's hash is computed over."""
        from audit.canonical import format_time

        values = {
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "actor_roles": self.actor_roles,
            "arml_id": self.arml_id,
            "comment": self.comment,
            "data": self.data,
            "documents": self.documents,
            "from_state": self.from_state,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "object_type": self.object_type,
            "prev_hash": self.prev_hash,
            "principal_id": self.principal_id,
            "principal_name": self.principal_name,
            "principal_roles": self.principal_roles,
            "request_ip": self.request_ip,
            "request_user_agent": self.request_user_agent,
            "seq": self.seq,
            "time": format_time(self.time),
            "to_state": self.to_state,
        }
        return {name: values[name] for name in FIELDS}


# The columns of AuditEvent in canonical.FIELDS order, then the stored hash: what the verifier
# reads with values_list(). "time" is replaced by the CanonicalTime annotation.
ROW_COLUMNS: tuple[str, ...] = tuple(
    {
        "actor_id": "actor_id",
        "arml_id": "arml_id",
        "principal_id": "principal_id",
        "data": "data_json",
        "documents": "documents_json",
        "time": "canonical_time",
    }.get(name, name)
    for name in FIELDS
) + ("hash",)


class ChainHead(models.Model):
    """The single row locked (select_for_update) to serialise appends: last seq and hash.

    It is the one ledger table that is updated; the chain it points at is checked by verify.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_head")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class CheckpointManager(models.Manager.from_queryset(AppendOnlyQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> AppendOnlyQuerySet:
        # `leaves` holds 32 bytes per event covered (32 MB for a first checkpoint over a
        # million events): read only where used (witness records, export, locating a rewrite).
        return super().get_queryset().defer("leaves")


class Checkpoint(AppendOnlyModel):
    """A signed tree head: the RFC 9162 Merkle root over events 1..tree_size.

    The platform key signs `statement()`, the canonical JSON of the size, root, head hash
    (the hash of event `tree_size`, tying the chain to the tree) and time; the timestamp
    authority time-stamps the same statement (RFC 3161 token). `leaves` keeps the hashes of
    events first_seq..tree_size as signed (32 bytes each; first_seq follows the previous
    checkpoint): the root authenticates them, and they let verify name the first event that
    differs after a rewrite. The same record goes to the witness outside the database
    (audit.witness). The three fields are empty on checkpoints made before they existed.
    """

    tree_size = models.PositiveBigIntegerField(_("tree size"), unique=True)
    root_hash = models.CharField(_("root hash"), max_length=64)
    head_hash = models.CharField(_("hash of the last event"), max_length=64)
    time = models.DateTimeField(_("time"))
    signature = models.BinaryField(_("signature"))
    certificate = models.TextField(_("signing certificate (PEM)"))
    timestamp_token = models.BinaryField(_("time-stamp token (RFC 3161)"), null=True)
    first_seq = models.PositiveBigIntegerField(_("first event recorded"), null=True)
    leaves = models.BinaryField(_("event hashes recorded"), null=True)

    objects: ClassVar[CheckpointManager] = CheckpointManager()

    class Meta:
        ordering = ["-tree_size"]
        get_latest_by = "tree_size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"

    def statement(self) -> bytes:
        from audit.canonical import format_time
        from audit.crypto import checkpoint_statement

        return checkpoint_statement(
            tree_size=self.tree_size,
            root_hash=self.root_hash,
            head_hash=self.head_hash,
            time=format_time(self.time),
        )

    def leaf_hashes(self) -> list[bytes]:
        data = bytes(self.leaves or b"")
        return [data[i : i + 32] for i in range(0, len(data), 32)]


class MerkleChunk(AppendOnlyModel):
    """Cache of Merkle subtree roots: every complete perfect aligned subtree of at least
    2**MIN_LEVEL leaves, at every level, keyed by `key(level, position)` (the subtree over
    leaves [position·2**level, (position+1)·2**level)). An inclusion proof at a million events
    then reads about twenty nodes and one or two blocks of 32 leaves instead of a million
    hashes. Derived data: verify recomputes and compares every one."""

    MIN_LEVEL = 5
    BLOCK = 1 << MIN_LEVEL
    LEVEL_SHIFT = 48

    index = models.PositiveBigIntegerField(primary_key=True)
    root_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Merkle subtree root")

    def __str__(self) -> str:
        level, position = self.split(self.index)
        return f"{level}:{position} {self.root_hash[:12]}"

    @classmethod
    def key(cls, level: int, position: int) -> int:
        return (level << cls.LEVEL_SHIFT) | position

    @classmethod
    def split(cls, key: int) -> tuple[int, int]:
        return key >> cls.LEVEL_SHIFT, key & ((1 << cls.LEVEL_SHIFT) - 1)
