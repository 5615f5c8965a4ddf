from django.core.management.base import BaseCommand, CommandError

from bearing.companion.evals import SECTIONS, evaluate_section


class Command(BaseCommand):
    help = (
        "Measure the companion, the safety net, the transcript coder and role-play on "
        "their frozen sets (gates judged on the held-out parts); fail if a gate is not met."
    )

    def add_arguments(self, parser):
        parser.add_argument("sections", nargs="*", help="only these sections (default: all)")

    def handle(self, *args, **options):
        names = options["sections"] or SECTIONS
        failures: list[str] = []
        for name in names:
            section = evaluate_section(name)
            self.stdout.write(f"\n== {section.name} ==")
            for key, value in section.figures.items():
                gate = section.gates.get(key)
                rule = f"   (gate {gate[0]} {gate[1]})" if gate else ""
                self.stdout.write(f"{key:<34} {value}{rule}")
            for line in section.notes:
                self.stdout.write(f"  {line}")
            failures += section.failures()
        if failures:
            raise CommandError("Companion gates not met: " + "; ".join(failures))
        self.stdout.write("\nAll companion gates met.")
