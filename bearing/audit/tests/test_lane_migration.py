"""The migration to lanes: a single chain written before it is lane 1 after it and
verifies unchanged, against a checkpoint written before it too; new entries then
go to lanes of their own, and the whole log verifies."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from bearing.audit import chain
from bearing.audit.models import AuditAction, AuditEntry, AuditHead
from bearing.audit.services import audit_record, audit_verify_chain

BEFORE = ("audit", "0007_alter_auditentry_action")


def migrate(*targets):
    MigrationExecutor(connection).migrate(list(targets))
    loader = MigrationExecutor(connection).loader
    applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    return loader.project_state(applied).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def fields(row, prev_hash: str) -> dict:
    """What the entry's MAC covers (as ``AuditEntry.canonical``), for a row of the
    model as it was before lanes."""
    return {
        "at": row.at.isoformat(),
        "actor_id": row.actor_id,
        "actor_email_hash": row.actor_email_hash,
        "action": row.action,
        "target_type": row.target_type,
        "target_code": row.target_code,
        "ip_address": row.ip_address,
        "detail": row.detail,
        "prev_hash": prev_hash,
    }


class LaneMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate_to_latest()
        super().tearDown()

    def write_single_chain(self, old, n: int) -> None:
        """As ``audit_record`` wrote before lanes: one chain from the all-zero
        genesis, its head in the single row with id 1."""
        entry_model, head_model = (
            old.get_model("audit", "AuditEntry"),
            old.get_model("audit", "AuditHead"),
        )
        prev = chain.GENESIS
        for i in range(n):
            row = entry_model(
                at=timezone.now(),
                actor_id=100 + i,
                actor_email_hash=chain.email_digest(f"c{i}@example.com"),
                action="read",
                target_type="engagements.engagement",
                target_code=f"code-{i}",
                detail={"field": "agenda"},
                prev_hash=prev,
            )
            row.entry_hash = chain.entry_mac(chain.canonical(fields(row, prev)))
            row.save()
            prev = row.entry_hash
        head_model.objects.create(id=1, last_hash=prev)

    def test_a_single_chain_becomes_lane_one_and_verifies_unchanged(self):
        old = migrate(BEFORE)
        self.write_single_chain(old, 5)
        newest = old.get_model("audit", "AuditEntry").objects.order_by("-id").first()
        # A checkpoint as `audit_checkpoint` wrote them before lanes.
        checkpoint = chain.checkpoint_sign(
            {
                "version": 1,
                "entry_id": newest.id,
                "entry_hash": newest.entry_hash,
                "count": 5,
                "created_at": "2026-11-24T00:00:00+00:00",
            }
        )
        stored_before = list(
            old.get_model("audit", "AuditEntry")
            .objects.order_by("id")
            .values_list("id", "prev_hash", "entry_hash")
        )

        migrate_to_latest()

        self.assertEqual(
            list(AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "entry_hash")),
            stored_before,
        )
        self.assertEqual(set(AuditEntry.objects.values_list("lane", flat=True)), {1})
        report = audit_verify_chain(checkpoint=checkpoint)
        self.assertTrue(report.ok, report.reason)
        self.assertEqual((report.checked, report.lanes[1].count), (5, 5))

        # New entries open the other lanes and go to them; the old chain goes on.
        with override_settings(AUDIT_LANES=4):
            lanes = {
                audit_record(action=AuditAction.EXPORT, email=f"n{i}@example.com").lane
                for i in range(2)
            }
            # The first writer who wants another lane opens them all (and writes to
            # lane 1, which it found free); from then on each goes to their own.
            for actor_id in (1, 1, 2, 3):
                lanes.add(self.write_as(actor_id).lane)
        self.assertEqual(sorted(lanes), [1, 2, 3, 4])
        self.assertEqual(AuditHead.objects.count(), 4)
        report = audit_verify_chain(checkpoint=checkpoint)
        self.assertTrue(report.ok, report.reason)
        self.assertEqual(report.checked, 11)
        self.assertEqual(report.lanes[1].count, 8)

    def write_as(self, actor_id: int) -> AuditEntry:
        class Actor:
            pk = actor_id
            email = f"a{actor_id}@example.com"

        entry = audit_record(action=AuditAction.LOGIN, actor=Actor())  # type: ignore[arg-type]
        assert entry is not None
        return entry

    def test_a_single_chain_cut_back_before_the_migration_is_still_caught(self):
        old = migrate(BEFORE)
        self.write_single_chain(old, 3)
        entry_model = old.get_model("audit", "AuditEntry")
        rows = list(entry_model.objects.order_by("id"))
        entry_model.objects.filter(id=rows[-1].id).delete()  # the head still names it
        migrate_to_latest()
        report = audit_verify_chain()
        self.assertEqual(
            (report.ok, report.reason, report.lane), (False, "the newest entries were removed", 1)
        )
