"""Talk to the offline companion in a terminal.

manage.py companion                  # interactive; an empty line ends
manage.py companion --script FILE    # one leader turn per line; a blank line
                                     # starts a new conversation; JSON lines out

A script may also be written in the conversation set's format ("## id | part | kind"
headers, a TAB and labels after a turn): the labels are ignored, and blocks marked
"heldout" are skipped — they are for measuring, never for reading replies.
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
            self._script(lines, seed)
            return
        self.stdout.write(OPENING)
        self.stdout.write("What would you like to think about? (an empty line ends)")
        conv = Conversation(seed=seed)
        for line in sys.stdin:
            if not line.strip():
                break
            turn = respond(conv, line.strip())
            self.stdout.write(f"\n{turn.reply}\n")

    def _script(self, lines, seed):
        conv, number, block, skipping = Conversation(seed=seed), 1, "", False
        for line in lines:
            if line.startswith("## "):
                parts = [p.strip() for p in line[3:].split("|")]
                skipping = len(parts) > 1 and parts[1] == "heldout"
                if conv.turns:
                    number += 1
                block = parts[0]
                conv = Conversation(seed=f"{seed}:{block}")
                continue
            if line.startswith("#") or skipping:
                continue
            if not line.strip():
                if conv.turns:
                    conv, number = Conversation(seed=f"{seed}:{number + 1}"), number + 1
                continue
            said = line.split("\t", 1)[0].strip()
            turn = respond(conv, said)
            self.stdout.write(
                json.dumps(
                    {
                        "conversation": number,
                        **({"block": block} if block else {}),
                        "turn": conv.turns,
                        "leader": said,
                        "reply": turn.reply,
                        "stage": turn.stage,
                        "referred": turn.referred,
                        "category": turn.category,
                        "answered": list(turn.meta),
                        "reflection": turn.reflection,
                    }
                )
            )
