import importlib

from django.core.management.base import BaseCommand, CommandError

from bearing.companion.evals import SECTIONS, evaluate_section

# Sections that can leave their held-out part unread (``evaluate(dev_only=True)``).
DEV_ONLY = ("safety",)


class Command(BaseCommand):
    help = (
        "Measure the companion, the safety net, the transcript coder and role-play on "
        "their frozen sets (gates judged on the held-out parts); fail if a gate is not met."
    )

    def add_arguments(self, parser):
        parser.add_argument("sections", nargs="*", help="only these sections (default: all)")
        parser.add_argument(
            "--dev-only",
            action="store_true",
            help=(
                "for tuning: read the dev and probe parts only (the held-out rows are never "
                f"read) and judge no gate; sections: {', '.join(DEV_ONLY)}"
            ),
        )

    def handle(self, *args, **options):
        dev_only = options["dev_only"]
        names = options["sections"] or (DEV_ONLY if dev_only else SECTIONS)
        if dev_only and set(names) - set(DEV_ONLY):
            raise CommandError(f"--dev-only is for these sections only: {', '.join(DEV_ONLY)}")
        failures: list[str] = []
        for name in names:
            if dev_only:
                module = importlib.import_module(f"bearing.companion.evals.{name}")
                section = module.evaluate(dev_only=True)
            else:
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
        if dev_only:
            self.stdout.write("\nNo gate judged (--dev-only: the held-out parts were not read).")
        else:
            self.stdout.write("\nAll companion gates met.")
