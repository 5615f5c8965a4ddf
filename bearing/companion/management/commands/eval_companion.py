from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from bearing.companion.evaluation import GATES, evaluate


class Command(BaseCommand):
    help = "Measure the offline companion on the gold set; fail if a gate is not met."

    def handle(self, *args, **options):
        figures = evaluate()
        for name, value in asdict(figures).items():
            gate = GATES.get(name)
            rule = f"   (gate {gate[0]} {gate[1]})" if gate else ""
            self.stdout.write(f"{name:<26} {value}{rule}")
        failures = figures.failures()
        if failures:
            raise CommandError("Companion gates not met: " + "; ".join(failures))
        self.stdout.write("All companion gates met.")
