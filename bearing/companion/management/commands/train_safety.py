from django.core.management.base import BaseCommand

from bearing.companion import safety_model
from bearing.companion.evals.safety import load_rows
from bearing.companion.safety import DATA, normalise

THRESHOLD = 0.8  # dev cross-validation: false alarms of this layer alone 1.8% (5 folds)
EPOCHS = 15


class Command(BaseCommand):
    help = (
        "Train the safety net's learned layer on data/safety/training.tsv and the dev rows "
        "of the safety set (never the held-out rows); writes data/safety/learned.tsv."
    )

    def handle(self, *args, **options):
        rows = []
        for line in (DATA / "training.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            if line.strip():
                category, _language, text = line.split("\t", 2)
                rows.append((category, normalise(text)))
        dev = [(r.category, normalise(r.text)) for r in load_rows() if r.split == "dev"]
        weights, bias = safety_model.train(rows + dev, epochs=EPOCHS)
        safety_model.write(
            weights,
            bias,
            THRESHOLD,
            note=(
                "Bearing safety net, learned layer: written by `manage.py train_safety`, "
                "do not edit.\n"
                f"{len(rows)} training statements + {len(dev)} dev rows, {EPOCHS} epochs; "
                "bucket<TAB>one weight per label (thousandths), labels in "
                "safety_model.LABELS order."
            ),
        )
        self.stdout.write(f"learned layer written: {safety_model.WEIGHTS}")
