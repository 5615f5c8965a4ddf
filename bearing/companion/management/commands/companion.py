"""Talk to the offline companion in a terminal.

manage.py companion                  # interactive; an empty line ends
manage.py companion --script FILE    # one leader turn per line; a blank line
                                     # starts a new conversation; JSON lines out
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from bearing.companion.engine import OPENING, Conversation, respond


class Command(BaseCommand):
    help = "Talk to the offline Socratic companion (no model, no network)."

    def add_arguments(self, parser):
        parser.add_argument("--script", help="A file with one leader turn per line.")
        parser.add_argument("--seed", default="terminal")

    def handle(self, *args, script=None, seed="terminal", **options):
        if script:
            try:
                lines = open(script, encoding="utf-8").read().splitlines()  # noqa: SIM115
            except OSError as exc:
                raise CommandError(f"Cannot read {script}: {exc.strerror}") from exc
            conv, number = Conversation(seed=seed), 1
            for line in lines:
                if not line.strip():
                    if conv.turns:
                        conv, number = Conversation(seed=seed), number + 1
                    continue
                turn = respond(conv, line)
                self.stdout.write(
                    json.dumps(
                        {
                            "conversation": number,
                            "turn": conv.turns,
                            "leader": line,
                            "reply": turn.reply,
                            "stage": turn.stage,
                            "referred": turn.referred,
                        }
                    )
                )
            return
        self.stdout.write(OPENING)
        self.stdout.write("What would you like to think about? (an empty line ends)")
        conv = Conversation(seed=seed)
        for line in sys.stdin:
            if not line.strip():
                break
            turn = respond(conv, line.strip())
            self.stdout.write(f"\n{turn.reply}\n")
