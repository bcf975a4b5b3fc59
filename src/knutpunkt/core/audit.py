"""The audit log: append-only, hash-chained.

Each entry's hash is SHA-256 over the previous entry's hash and this entry's canonical
content. `verify_chain` recomputes the chain and reports the first entry whose content
was altered, whose predecessor is missing, or whose order was changed.

Appends are serialised on the single AuditChainHead row (an UPDATE inside the
caller's transaction), so entries form one line even under concurrent writers, and an
entry written by a transaction that rolls back disappears together with its cause.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from knutpunkt.core import clock

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "details": entry.details,
        "ip_address": entry.ip_address,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def compute_hash(previous_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + _canonical(entry)).hexdigest()


def _object_fields(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    object_type = obj._meta.model_name
    label = getattr(obj, "reference", None) or getattr(obj, "username", None) or str(obj.pk)
    return object_type, str(obj.pk), str(label)[:200]


def log(
    action: str,
    *,
    actor=None,
    obj=None,
    details: dict | None = None,
    ip_address: str = "",
    actor_name: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    object_label: str | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction when there is one."""
    object_type_, object_id_, label_ = _object_fields(obj)
    object_type = object_type if object_type is not None else object_type_
    object_id = object_id if object_id is not None else object_id_
    label = object_label if object_label is not None else label_
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(pk=1)
        AuditChainHead.objects.filter(pk=1).update(last_sequence=F("last_sequence") + 1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        entry = AuditEntry(
            sequence=head.last_sequence,
            occurred_at=clock.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(actor_name or (getattr(actor, "username", "") if actor is not None else ""))[:150],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=label,
            details=json.loads(json.dumps(details or {}, default=str)),
            ip_address=(ip_address or "")[:45],
            previous_hash=head.last_hash,
        )
        entry.hash = compute_hash(head.last_hash, entry)
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=entry.hash)
    return entry


@dataclass
class ChainProblem:
    sequence: int
    what: str


def verify_chain() -> list[ChainProblem]:
    """Recompute the whole chain. Returns the problems found (empty = intact)."""
    problems: list[ChainProblem] = []
    previous_hash = GENESIS
    expected_sequence = 1
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            problems.append(ChainProblem(expected_sequence, f"post {expected_sequence}–{entry.sequence - 1} saknas"))
        if entry.previous_hash != previous_hash:
            problems.append(ChainProblem(entry.sequence, "kedjan bruten: föregående posts kontrollsumma stämmer inte (borttagen eller omordnad post)"))
        if compute_hash(entry.previous_hash, entry) != entry.hash:
            problems.append(ChainProblem(entry.sequence, "posten är ändrad: innehållet stämmer inte med kontrollsumman"))
        previous_hash = entry.hash
        expected_sequence = entry.sequence + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_sequence != expected_sequence - 1:
        problems.append(ChainProblem(head.last_sequence, "de sista posterna saknas"))
    return problems
