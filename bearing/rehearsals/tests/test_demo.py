"""The demo's two rehearsals read as the story they tell."""

from bearing.rehearsals import queries as q
from bearing.rehearsals.demo import demo_rehearsals
from bearing.rehearsals.models import Talk
from bearing.testing import WorldTestCase


class DemoTests(WorldTestCase):
    def test_the_second_rehearsal_is_shorter_gets_to_the_point_and_has_fewer_fillers(self):
        demo_rehearsals(self.w.engagement)
        talk = Talk.objects.exclude(pk=self.w.talk.pk).get()
        first, second = (a.observations for a in q.attempts_of(talk, q.rehearsals_of(talk)))
        self.assertGreater(first.fillers_per_100, 3 * second.fillers_per_100)
        self.assertEqual((first.key_messages_said, second.key_messages_said), (3, 3))
        self.assertGreater(first.time_to_point, 30)
        self.assertLess(second.time_to_point, 5)
        self.assertEqual((first.over_by, second.over_by), (86 - 120, 45 - 120))
