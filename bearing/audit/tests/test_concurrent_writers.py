"""Audited writes from several connections at once, on PostgreSQL (SQLite has one
writer at a time, whatever the log does): a writer holding a lane does not hold
up the others, and a concurrent burst leaves a log that verifies."""

import threading
import time
import unittest

from django.db import connection, connections, transaction
from django.test import TransactionTestCase, override_settings

from bearing.audit import chain
from bearing.audit.models import AuditAction, AuditEntry, AuditHead
from bearing.audit.services import audit_checkpoint, audit_record, audit_verify_chain


class Actor:
    """All ``audit_record`` reads of an actor: an id and an address."""

    def __init__(self, pk: int):
        self.pk = pk
        self.email = f"person{pk}@example.com"


def write(actor_id: int, **detail) -> AuditEntry:
    entry = audit_record(action=AuditAction.READ, actor=Actor(actor_id), field="agenda", **detail)  # type: ignore[arg-type]
    assert entry is not None
    return entry


class Writer(threading.Thread):
    """Writes one entry on its own connection; with ``hold`` it keeps its
    transaction (and the lane it locked) open until ``hold`` is set."""

    def __init__(self, actor_id: int, hold: threading.Event | None = None):
        super().__init__(daemon=True)
        self.actor_id, self.hold = actor_id, hold
        self.written = threading.Event()
        self.entry: AuditEntry | None = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with transaction.atomic():
                self.entry = write(self.actor_id)
                self.written.set()
                if self.hold is not None:
                    self.hold.wait(30)
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.written.set()
        finally:
            connections.close_all()


@unittest.skipUnless(connection.vendor == "postgresql", "row locks: PostgreSQL only")
class ConcurrentWriterTests(TransactionTestCase):
    available_apps = ["bearing.audit"]  # only its tables are emptied after each test

    def setUp(self):
        write(0)  # opens the lanes (as any installation's first entries do)

    def held_and_second(self, first_actor: int, second_actor: int):
        """A writer that holds its lane open, and a second writer started meanwhile."""
        release = threading.Event()
        holder = Writer(first_actor, hold=release)
        holder.start()
        self.assertTrue(holder.written.wait(10))
        self.assertIsNone(holder.error)
        second = Writer(second_actor)
        second.start()
        return holder, second, release

    def finish(self, *writers: Writer) -> None:
        for writer in writers:
            writer.join(30)
            self.assertFalse(writer.is_alive())
            self.assertIsNone(writer.error)

    @override_settings(AUDIT_LANES=16)
    def test_a_held_lane_does_not_hold_up_another_writer_even_one_who_wanted_it(self):
        holder, second, release = self.held_and_second(5, 5)  # the same actor: the same lane
        try:
            # The second write commits while the first transaction is still open.
            self.assertTrue(second.written.wait(10), "the second writer waited for the first")
            second.join(10)
            self.assertFalse(second.is_alive())
            self.assertIsNone(second.error)
            self.assertNotEqual(second.entry.lane, holder.entry.lane)
            self.assertTrue(AuditEntry.objects.filter(pk=second.entry.pk).exists())
            self.assertFalse(AuditEntry.objects.filter(pk=holder.entry.pk).exists())
        finally:
            release.set()
            self.finish(holder, second)
        self.assertTrue(audit_verify_chain().ok)

    @override_settings(AUDIT_LANES=1)
    def test_with_one_lane_the_second_writer_waits_for_the_first(self):
        # What every audited page did before lanes: this is the wait the lanes remove.
        holder, second, release = self.held_and_second(5, 6)
        try:
            self.assertFalse(second.written.wait(1), "one lane: the second writer must wait")
        finally:
            release.set()
            self.finish(holder, second)
        self.assertEqual((holder.entry.lane, second.entry.lane), (1, 1))
        self.assertEqual(second.entry.prev_hash, holder.entry.entry_hash)
        self.assertTrue(audit_verify_chain().ok)

    @override_settings(AUDIT_LANES=16)
    def test_eight_writers_at_once_leave_a_log_that_verifies(self):
        writers, per_writer = 8, 40
        start = threading.Barrier(writers)
        errors: list[BaseException] = []

        def burst(n: int) -> None:
            try:
                start.wait(10)
                for i in range(per_writer):
                    # Two writers share each actor, so lanes are wanted twice at once.
                    write(n // 2, count=i)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=burst, args=(n,)) for n in range(writers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertLess(time.monotonic() - started, 60)

        report = audit_verify_chain()
        self.assertTrue(report.ok, report.reason)
        self.assertEqual(report.checked, 1 + writers * per_writer)
        used = {lane for lane, head in report.lanes.items() if head.count}
        self.assertGreater(len(used), 1)
        for lane in used:  # each lane is one chain in id order
            rows = list(AuditEntry.objects.filter(lane=lane).order_by("id"))
            self.assertEqual(rows[0].prev_hash, chain.lane_genesis(lane))
            for before, after in zip(rows, rows[1:], strict=False):
                self.assertEqual(after.prev_hash, before.entry_hash)

        # Cutting back any one lane after the burst is seen against a checkpoint.
        document = audit_checkpoint()
        lane = max(used)
        rows = list(AuditEntry.objects.filter(lane=lane).order_by("-id")[:2])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [rows[0].id])
        AuditHead.objects.filter(id=lane).update(last_hash=rows[1].entry_hash)
        self.assertTrue(audit_verify_chain().ok)
        report = audit_verify_chain(checkpoint=document)
        self.assertEqual((report.ok, report.lane), (False, lane))

    @override_settings(AUDIT_LANES=2)
    def test_when_every_lane_is_held_a_writer_waits_for_one(self):
        release = threading.Event()
        holders = [Writer(actor_id, hold=release) for actor_id in (1, 2)]
        for holder in holders:
            holder.start()
            self.assertTrue(holder.written.wait(10))
        self.assertEqual({h.entry.lane for h in holders}, {1, 2})
        third = Writer(3)
        third.start()
        try:
            self.assertFalse(third.written.wait(1), "both lanes are held: the third must wait")
        finally:
            release.set()
            self.finish(*holders, third)
        self.assertTrue(audit_verify_chain().ok)
