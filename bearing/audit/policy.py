"""The audit log, for the confidentiality policy (``bearing.lib.policy``). It is
read by staff as metadata; it holds ids, never content."""

from __future__ import annotations

from bearing.lib.policy import Erase, Reader, RecordKind, register

KINDS = (
    RecordKind(
        model="audit.AuditEntry",
        title="Audit log entries about what you did",
        owner="actor_id",
        owner_is=Reader.SELF,
        readers={Reader.SELF, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        # When and what; not the record codes, which may name another person's records.
        export=("at", "action", "target_type"),
        erase=Erase.KEEP,  # ids only; the chain must still verify after an erasure
    ),
)


def register_kinds() -> None:
    register(*KINDS)
