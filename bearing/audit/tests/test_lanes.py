"""The audit log in lanes: each lane is a keyed chain with its own head, so writers
lock one lane, not the whole log; what the single chain detected is still detected
in every lane, and a checkpoint names every lane's head."""

import json
from io import StringIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from bearing.accounts.models import User
from bearing.audit import chain
from bearing.audit.models import GENESIS, AuditAction, AuditEntry, AuditHead
from bearing.audit.services import audit_checkpoint, audit_record, audit_verify_chain

LANES = 4


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def lane_rows(lane: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(lane=lane).order_by("id"))


@override_settings(AUDIT_LANES=LANES)
class LaneTestCase(TestCase):
    """Four people whose entries go to four different lanes, three entries each,
    written in turn so that the lanes interleave in id order."""

    @classmethod
    def setUpTestData(cls):
        cls.people = [
            User.objects.create_user(f"p{i}@example.com", "pw-irrelevant", name=f"P{i}")
            for i in range(LANES)
        ]
        with override_settings(AUDIT_LANES=LANES):
            for field in ("agenda", "journal", "companion"):
                for person in cls.people:
                    audit_record(action=AuditAction.READ, actor=person, target=person, field=field)

    def lanes_in_use(self) -> list[int]:
        return sorted(set(AuditEntry.objects.values_list("lane", flat=True)))

    def verify_command(self, *args) -> str:
        out = StringIO()
        call_command("audit_verify", *args, stdout=out)
        return out.getvalue()

    def checkpoint_file(self):
        from pathlib import Path
        from tempfile import mkdtemp

        path = Path(mkdtemp()) / "checkpoint.json"
        call_command("audit_checkpoint", "--output", str(path), stdout=StringIO())
        return path

    def assert_broken(self, reason: str, at: int | None = None, lane: int | None = None):
        report = audit_verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.reason, reason)
        if at is not None:
            self.assertEqual(report.broken_at, at)
        if lane is not None:
            self.assertEqual(report.lane, lane)
        with self.assertRaises(CommandError):
            self.verify_command()


class LaneWritingTests(LaneTestCase):
    def test_each_person_writes_to_a_lane_of_their_own_and_every_lane_verifies(self):
        self.assertEqual(self.lanes_in_use(), [1, 2, 3, 4])
        for person in self.people:
            self.assertEqual(
                len(set(AuditEntry.objects.filter(actor_id=person.pk).values_list("lane"))), 1
            )
        report = audit_verify_chain()
        self.assertTrue(report.ok, report.reason)
        self.assertEqual(report.checked, 12)
        self.assertEqual(
            {lane: head.count for lane, head in report.lanes.items()}, {1: 3, 2: 3, 3: 3, 4: 3}
        )
        self.assertIn("12 entries in 4 lane(s)", self.verify_command())

    def test_each_lane_links_from_its_own_genesis_in_id_order(self):
        for lane in range(1, LANES + 1):
            rows = lane_rows(lane)
            self.assertEqual(rows[0].prev_hash, chain.lane_genesis(lane))
            for before, after in zip(rows, rows[1:], strict=False):
                self.assertEqual(after.prev_hash, before.entry_hash)
            self.assertEqual(AuditHead.objects.get(id=lane).last_hash, rows[-1].entry_hash)
        # Lane 1 starts where the single chain always started; the others from keyed values.
        self.assertEqual(chain.lane_genesis(1), GENESIS)
        self.assertEqual(len({chain.lane_genesis(lane) for lane in range(1, 100)}), 99)

    def test_the_lanes_interleave(self):
        first_round = list(AuditEntry.objects.order_by("id").values_list("lane", flat=True))[:4]
        self.assertEqual(sorted(first_round), [1, 2, 3, 4])

    def test_anonymous_entries_go_to_lane_one(self):
        entry = audit_record(action=AuditAction.LOGIN_FAILED, email="x@example.com")
        self.assertEqual(entry.lane, 1)
        self.assertTrue(audit_verify_chain().ok)

    @override_settings(AUDIT_LANES=1)
    def test_with_one_lane_every_new_entry_joins_lane_one(self):
        for person in self.people:
            self.assertEqual(audit_record(action=AuditAction.LOGIN, actor=person).lane, 1)
        # Entries already in other lanes are still verified.
        report = audit_verify_chain()
        self.assertTrue(report.ok, report.reason)
        self.assertEqual((report.checked, report.lanes[1].count), (16, 7))

    def test_lanes_are_opened_when_first_wanted(self):
        # As after an upgrade: only lane 1, the single chain, exists.
        sql("DELETE FROM audit_auditentry WHERE lane > 1")
        AuditHead.objects.filter(id__gt=1).delete()
        person = next(p for p in self.people if p.pk % 6 + 1 != 1)
        with override_settings(AUDIT_LANES=6):
            first = audit_record(action=AuditAction.LOGIN, actor=person)
            second = audit_record(action=AuditAction.LOGIN, actor=person)
        self.assertEqual((first.lane, second.lane), (1, person.pk % 6 + 1))
        heads = dict(AuditHead.objects.values_list("id", "last_hash"))
        self.assertEqual(sorted(heads), [1, 2, 3, 4, 5, 6])
        self.assertEqual((heads[1], heads[second.lane]), (first.entry_hash, second.entry_hash))
        self.assertEqual(second.prev_hash, chain.lane_genesis(second.lane))
        self.assertTrue(audit_verify_chain().ok)

    def test_the_number_of_lanes_must_be_sensible(self):
        for lanes in (0, -1, 5000):
            with override_settings(AUDIT_LANES=lanes), self.assertRaises(ImproperlyConfigured):
                audit_record(action=AuditAction.LOGIN, actor=self.people[0])


class LaneTamperingTests(LaneTestCase):
    """What the single chain detected, played in a lane that is not lane 1."""

    def test_an_altered_entry_is_detected_in_its_lane(self):
        target = lane_rows(3)[1]
        sql("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["export", target.id])
        self.assert_broken("entry was altered", at=target.id, lane=3)

    def test_a_deleted_middle_entry_is_detected(self):
        rows = lane_rows(2)
        sql("DELETE FROM audit_auditentry WHERE id = %s", [rows[1].id])
        self.assert_broken("previous hash does not match", at=rows[2].id, lane=2)

    def test_a_deleted_newest_entry_is_detected_while_the_head_names_it(self):
        sql("DELETE FROM audit_auditentry WHERE id = %s", [lane_rows(4)[-1].id])
        self.assert_broken("the newest entries were removed", lane=4)

    def test_an_inserted_entry_without_the_key_is_detected(self):
        rows = lane_rows(2)
        forged = AuditEntry(
            at=timezone.now(),
            action=AuditAction.READ,
            target_type="accounts.user",
            target_code="x",
            lane=2,
            prev_hash=rows[0].entry_hash,
            entry_hash="f" * 64,
        )
        forged.save()
        # Placed between the first and second entry of lane 2 by its id.
        sql(
            "UPDATE audit_auditentry SET id = %s WHERE id = %s",
            [rows[0].id + 1_000_000, rows[1].id],
        )
        sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [rows[1].id, forged.id])
        sql(
            "UPDATE audit_auditentry SET id = %s WHERE id = %s", [forged.id, rows[0].id + 1_000_000]
        )
        self.assert_broken("entry was altered", at=rows[1].id, lane=2)

    def test_two_entries_swapped_are_detected(self):
        first, second = lane_rows(3)[:2]
        sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [first.id + 1_000_000, first.id])
        sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [first.id, second.id])
        sql("UPDATE audit_auditentry SET id = %s WHERE id = %s", [second.id, first.id + 1_000_000])
        self.assert_broken("previous hash does not match", at=first.id, lane=3)

    def test_an_entry_moved_to_another_lane_breaks_both(self):
        moved = lane_rows(2)[-1]
        sql("UPDATE audit_auditentry SET lane = 3 WHERE id = %s", [moved.id])
        self.assert_broken("the newest entries were removed", lane=2)
        AuditHead.objects.filter(id=2).update(last_hash=lane_rows(2)[-1].entry_hash)
        self.assert_broken("previous hash does not match", at=moved.id, lane=3)

    def test_a_lane_relabelled_as_a_new_lane_does_not_verify(self):
        # The whole of lane 4 becomes lane 7, heads and all: its first entry does not
        # link to lane 7's genesis, so an entry cannot be replayed into another lane.
        last = lane_rows(4)[-1]
        sql("UPDATE audit_auditentry SET lane = 7 WHERE lane = 4")
        AuditHead.objects.filter(id=4).delete()
        AuditHead.objects.create(id=7, last_hash=last.entry_hash)
        self.assert_broken("previous hash does not match", at=lane_rows(7)[0].id, lane=7)

    def test_entries_whose_lane_head_is_gone_are_detected(self):
        AuditHead.objects.filter(id=3).delete()
        self.assert_broken("the lane's head is missing", lane=3)


class LaneCheckpointTests(LaneTestCase):
    def test_the_checkpoint_names_every_lanes_head(self):
        document = audit_checkpoint()
        self.assertTrue(chain.checkpoint_valid(document))
        self.assertEqual(document["count"], 12)
        self.assertEqual(sorted(document["lanes"]), ["1", "2", "3", "4"])
        for lane, head in document["lanes"].items():
            newest = lane_rows(int(lane))[-1]
            self.assertEqual(
                head, {"entry_id": newest.id, "entry_hash": newest.entry_hash, "count": 3}
            )
        self.assertTrue(audit_verify_chain(checkpoint=document).ok)
        # Entries written later, in any lane, are fine.
        audit_record(action=AuditAction.LOGIN, actor=self.people[2])
        self.assertTrue(audit_verify_chain(checkpoint=document).ok)

    def test_one_lane_cut_back_is_detected_against_the_checkpoint(self):
        path = self.checkpoint_file()
        self.assertIn(
            "checkpoint's 12 entries in 4 lane(s)", self.verify_command("--checkpoint", path)
        )
        rows = lane_rows(3)
        sql("DELETE FROM audit_auditentry WHERE id = %s", [rows[-1].id])
        AuditHead.objects.filter(id=3).update(last_hash=rows[-2].entry_hash)
        self.assertTrue(audit_verify_chain().ok)  # nothing inside the database shows it
        report = audit_verify_chain(checkpoint=json.loads(path.read_text()))
        self.assertEqual((report.ok, report.lane), (False, 3))
        with self.assertRaisesMessage(CommandError, "cut back"):
            self.verify_command("--checkpoint", path)

    def test_a_whole_lane_removed_with_its_head_is_detected_against_the_checkpoint(self):
        document = audit_checkpoint()
        sql("DELETE FROM audit_auditentry WHERE lane = 2")
        AuditHead.objects.filter(id=2).delete()
        self.assertTrue(audit_verify_chain().ok)
        report = audit_verify_chain(checkpoint=document)
        self.assertEqual((report.ok, report.lane), (False, 2))
        self.assertIn("cut back", report.reason)

    def test_a_lane_rewritten_to_the_same_length_differs_from_the_checkpoint(self):
        document = audit_checkpoint()
        newest = lane_rows(1)[-1]
        sql("DELETE FROM audit_auditentry WHERE id = %s", [newest.id])
        AuditHead.objects.filter(id=1).update(last_hash=lane_rows(1)[-1].entry_hash)
        with override_settings(AUDIT_LANES=1):
            audit_record(action=AuditAction.LOGIN, actor=self.people[1])
        report = audit_verify_chain(checkpoint=document)
        self.assertEqual((report.ok, report.lane), (False, 1))
        self.assertIn("cut back", report.reason)  # the id it named is gone

    def test_a_lane_changed_in_the_checkpoint_breaks_its_signature(self):
        document = audit_checkpoint()
        document["lanes"]["2"]["count"] = 2
        self.assertEqual(
            audit_verify_chain(checkpoint=document).reason,
            "the checkpoint's signature does not match",
        )


class SingleChainCheckpointTests(TestCase):
    """A checkpoint written before there were lanes names the single chain, which
    is lane 1: it still verifies, and still shows truncation."""

    @classmethod
    def setUpTestData(cls):
        cls.coach = User.objects.create_user("c@example.com", "pw-irrelevant", name="C")
        with override_settings(AUDIT_LANES=1):
            for _ in range(4):
                audit_record(action=AuditAction.READ, actor=cls.coach, field="agenda")

    def version_one(self) -> dict:
        newest = AuditEntry.objects.order_by("-id").first()
        return chain.checkpoint_sign(
            {
                "version": 1,
                "entry_id": newest.id,
                "entry_hash": newest.entry_hash,
                "count": 4,
                "created_at": "2026-11-24T00:00:00+00:00",
            }
        )

    def test_a_version_one_checkpoint_verifies_lane_one(self):
        document = self.version_one()
        self.assertTrue(audit_verify_chain(checkpoint=document).ok)
        audit_record(action=AuditAction.READ, actor=self.coach, field="agenda")  # lane of its own
        self.assertTrue(audit_verify_chain(checkpoint=document).ok)

    def test_a_version_one_checkpoint_still_shows_truncation(self):
        document = self.version_one()
        rows = list(AuditEntry.objects.order_by("id"))
        sql("DELETE FROM audit_auditentry WHERE id = %s", [rows[-1].id])
        AuditHead.objects.filter(id=1).update(last_hash=rows[-2].entry_hash)
        self.assertTrue(audit_verify_chain().ok)
        self.assertIn("cut back", audit_verify_chain(checkpoint=document).reason)
