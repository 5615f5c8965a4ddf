"""What each accounts record kind is, for the confidentiality policy
(``bearing.lib.policy``): a person's own account, and what staff operate."""

from __future__ import annotations

from bearing.lib.policy import Author, Erase, Reader, RecordKind, register

OWN = {Reader.SELF, Reader.STAFF_META}

KINDS = (
    RecordKind(
        model="accounts.User",
        title="Your account",
        owner="id",
        owner_is=Reader.SELF,
        readers=OWN,
        authors={},
        audit_non_author_reads=False,
        export=("email", "name", "time_zone", "created_at"),
        erase=Erase.ACCOUNT,
    ),
    RecordKind(
        model="accounts.Membership",
        title="Your roles",
        owner="user",
        owner_is=Reader.SELF,
        readers=OWN,
        authors={},
        audit_non_author_reads=False,
        export=("role", "practice__name", "organization__name", "created_at"),
    ),
    RecordKind(
        model="accounts.Invitation",
        title="Invitations you accepted",
        owner="accepted_by",
        owner_is=Reader.SELF,
        readers=OWN,
        authors={},
        audit_non_author_reads=False,
        export=("email", "role", "created_at", "accepted_at"),
    ),
    RecordKind(
        model="accounts.TotpDevice",
        title="Authenticator app",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},  # the secret is read only to check a code
        authors={"secret": Author.SELF},
        audit_non_author_reads=False,
        export=("created_at", "last_used_at"),  # never the secret: it is a credential
    ),
    RecordKind(
        model="accounts.RecoveryCode",
        title="Recovery codes",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},
        authors={},
        audit_non_author_reads=False,
        export=("created_at", "used_at"),  # never the hash
    ),
    RecordKind(
        model="accounts.LoginSession",
        title="Sign-ins",
        owner="user",
        owner_is=Reader.SELF,
        readers={Reader.SELF},
        authors={},
        audit_non_author_reads=False,
        export=("device", "network", "created_at", "last_seen_at"),
    ),
    RecordKind(
        model="accounts.ErasureRequest",
        title="Erasure requests",
        owner="person",
        owner_is=Reader.SELF,
        # Their coach sees that it was asked and when it takes effect; staff, the same.
        readers={Reader.SELF, Reader.STAFF_META},
        authors={},
        audit_non_author_reads=False,
        export=("state", "requested_at", "erase_after", "cancelled_at"),
        erase=Erase.KEEP,  # ids and dates: the record that the erasure was done
    ),
)


def register_kinds() -> None:
    register(*KINDS)
