"""The export itself, for the confidentiality policy (``bearing.lib.policy``)."""

from __future__ import annotations

from bearing.lib.policy import Author, Reader, RecordKind, register

KINDS = (
    RecordKind(
        model="exports.DataExport",
        title="Exports",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},
        # Built by Bearing from the person's own records, for them alone.
        authors={"archive": Author.SELF},
        audit_non_author_reads=False,
        export=(),  # an export is never exported again
    ),
)


def register_kinds() -> None:
    register(*KINDS)
