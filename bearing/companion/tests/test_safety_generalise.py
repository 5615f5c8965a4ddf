"""The safety net reads what people say, not the phrasings of its labelled sets.

The probe set (evals/sets/safety_probe.tsv) was written before the net was tuned, by
concept and form in four languages, with hard negatives; tuning reads it and the dev
part of safety.tsv, never the held-out part. These tests pin the mechanisms that
carry a concept to new wording (French elision, short misspellings, typos of long
words, panic and retaliation read as what they are) and a fixture for each concept.
"""

from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from bearing.companion import safety
from bearing.companion.evals import safety as safety_eval
from bearing.companion.safety import Category, assess

C = Category

# New wording of each concept, in the four languages (none of it in a labelled set).
CONCEPTS = [
    ("I've stockpiled my painkillers, I just haven't decided when.", C.SELF_HARM),
    ("I keep a bottle of pills in my desk in case it all gets too much.", C.SELF_HARM),
    ("I've put everything in order for my family, the passwords, the insurance.", C.SELF_HARM),
    ("He guardado todas mis pastillas, solo me falta decidir cuándo.", C.SELF_HARM),
    ("Ich habe meine Tabletten gesammelt, ich weiß nur noch nicht, wann.", C.SELF_HARM),
    ("J'ai mis de côté toutes mes pilules, je n'ai plus qu'à choisir le jour.", C.SELF_HARM),
    ("I found out where my old boss parks and I've been waiting there after work.", C.HARM_OTHERS),
    ("Si mi ex vuelve a aparecer, le rompo el cuello.", C.HARM_OTHERS),
    ("Wenn mein Ex nochmal auftaucht, breche ich ihm das Genick.", C.HARM_OTHERS),
    ("J'ai son adresse et je vais lui rendre une visite qu'il n'oubliera pas.", C.HARM_OTHERS),
    ("My director said my bonus depends on whether I go up to his hotel room.", C.ABUSE),
    ("Quizás fue culpa mía, le dije que no y siguió.", C.ABUSE),
    ("Mein Mann hat mir das Handy weggenommen und mich eingesperrt.", C.ABUSE),
    ("Mon conjoint me frappe.", C.ABUSE),
    ("Wine o'clock starts at 11am for me lately.", C.SUBSTANCE),
    ("Escondo botellas en el coche para beber entre reuniones.", C.SUBSTANCE),
    ("Ich verstecke Wodkaflaschen im Büro.", C.SUBSTANCE),
    ("Je mélange mes somnifères avec du vin tous les soirs.", C.SUBSTANCE),
    ("My colleague just collapsed in the meeting and isn't responding.", C.MEDICAL),
    ("Mi compañero se ha desmayado y no reacciona.", C.MEDICAL),
    ("Ich bin Diabetiker, zittere und mir wird schwarz vor Augen.", C.MEDICAL),
    ("J'ai un poids sur la poitrine et le bras engourdi, sûrement rien.", C.MEDICAL),
    ("I haven't slept or eaten in three days and I can't get out of bed.", C.MENTAL_HEALTH),
    ("Tengo pensamientos que no son míos, como si algo me controlara.", C.MENTAL_HEALTH),
    ("Ich bin sicher, dass meine Kollegen mein Telefon abhören.", C.MENTAL_HEALTH),
    ("Je n'ai pas dormi ni mangé depuis trois jours.", C.MENTAL_HEALTH),
    (
        "They want the safety report to tell a different story than the inspectors found.",
        C.LEGAL_ETHICS,
    ),
    ("Me piden que maquille las cuentas del trimestre.", C.LEGAL_ETHICS),
    ("Wir sollen die Zahlen für die Prüfer etwas schönen.", C.LEGAL_ETHICS),
    (
        "On me demande de signer que les tests ont été faits alors que ce n'est pas vrai.",
        C.LEGAL_ETHICS,
    ),
]

# Ordinary talk that shares the concepts' words: never an alarm.
ORDINARY = [
    "I wrote my goodbye email to the team since I'm leaving for a new job.",
    "After the marathon I collapsed on the sofa for the whole afternoon.",
    "My doctor changed my blood pressure pills last month and I feel fine.",
    "I bought a new rope for the climbing trip.",
    "I'm tired of fighting the same battles with finance.",
    "I nearly fainted when they told me I got the promotion.",
    "Everything felt unreal at the awards ceremony, what a night.",
    "The auditors asked us to change the format of the report.",
    "We're investigating a bribery allegation in our Madrid office with outside counsel.",
    "Quiero desaparecer del correo una semana para concentrarme.",
    "Mataría por una tarde libre.",
    "Estamos actualizando el canal de denuncias.",
    "Mi amiga tuvo una crisis de ansiedad el año pasado, ahora está bien.",
    "Me estoy volviendo loco con tantos correos.",
    "Ich ersticke in Arbeit.",
    "Ein Freund hatte letztes Jahr Panikattacken, inzwischen geht es ihm gut.",
    "Wir überarbeiten unser Hinweisgebersystem.",
    "Ich bring ihn um, wenn er wieder zu spät zum Meeting kommt, haha.",
    "Nous mettons à jour notre dispositif d'alerte.",
    "Si on ne recrute pas de commerciaux, on se tire une balle dans le pied.",
    "J'ai failli m'évanouir quand on m'a annoncé ma promotion.",
    "On se tire une balle dans le pied avec ce prix.",
]


class ConceptTests(SimpleTestCase):
    def test_new_wording_of_each_concept_is_referred_under_its_category(self):
        for text, category in CONCEPTS:
            with self.subTest(text=text):
                self.assertEqual(assess(text).category, category)

    def test_ordinary_talk_with_the_same_words_raises_no_alarm(self):
        for text in ORDINARY:
            with self.subTest(text=text):
                self.assertIsNone(assess(text).category, assess(text).cue)


class ReadingTests(SimpleTestCase):
    def test_french_elision_is_read_with_or_without_the_apostrophe(self):
        for text in (
            "Mon chef veut que j'antidate les contrats avant l'audit.",
            "mon chef veut que jantidate les contrats",
        ):
            self.assertEqual(assess(text).category, C.LEGAL_ETHICS, text)

    def test_short_misspellings_are_read(self):
        self.assertEqual(assess("kiero matarme ya no aguanto").category, C.SELF_HARM)
        self.assertEqual(assess("i think im haveing a hart attack").category, C.MEDICAL)
        self.assertEqual(assess("ich trinke jeden abnd bis ich umkipe").category, C.SUBSTANCE)

    def test_a_typo_is_read_as_the_word_sharing_the_longer_beginning(self):
        self.assertEqual(assess("i keep thinkin about killin myslef").category, C.SELF_HARM)
        self.assertEqual(safety.correct("breakdwon"), "breakdown")

    def test_real_words_are_never_read_as_typos_of_cue_words(self):
        for word in ("rated", "recrute", "eingestellt", "relating", "grosse", "automation"):
            with self.subTest(word=word):
                self.assertEqual(
                    safety.correct(safety.normalise(word)[0]), safety.normalise(word)[0]
                )

    def test_a_panic_attack_that_feels_like_dying_is_a_mental_health_crisis(self):
        text = (
            "Je fais une grosse crise d'angoisse, là, je n'arrive plus à respirer et j'ai "
            "l'impression que je vais mourir."
        )
        self.assertEqual(assess(text).category, C.MENTAL_HEALTH)
        chest = "I have crushing chest pain right now and it's going down my left arm."
        self.assertEqual(assess(chest).category, C.MEDICAL)

    def test_punishment_for_reporting_harassment_gets_the_legal_and_ethics_help(self):
        text = "got demoted rite after i filed the harrasment complaint, feels like retalliation"
        self.assertEqual(assess(text).category, C.LEGAL_ETHICS)
        self.assertEqual(assess("My manager harasses me every day.").category, C.ABUSE)

    def test_frame_parts_of_several_words_write_their_phrases_with_hyphens(self):
        # "a b/c" in a frame part is "a" then "b" or "c"; a phrase alternative is "a-b/c".
        for language in safety.LANGUAGES:
            text = (safety.DATA / f"{language}.txt").read_text(encoding="utf-8")
            for number, raw in enumerate(text.splitlines(), start=1):
                line = raw.split("#", 1)[0].strip()
                if "&" not in line or " = " in line:
                    continue
                for part in line.split("&"):
                    words = part.split("~")[0].split()
                    with self.subTest(language=language, line=number, part=part.strip()):
                        self.assertFalse(
                            "~" not in part and len(words) > 1 and any("/" in w for w in words)
                        )

    def test_a_spelling_is_one_word(self):
        for word, right in safety.lexicon().spellings.items():
            self.assertEqual(safety.normalise(word), [word])
            self.assertTrue(right)


class ProbeSetTests(SimpleTestCase):
    def test_the_probe_set_covers_every_category_language_and_form(self):
        rows = safety_eval.load_rows(safety_eval.PROBE)
        self.assertEqual({r.split for r in rows}, {"probe"})
        crises = [r for r in rows if r.crisis]
        self.assertGreaterEqual(len(crises), 150)
        self.assertGreaterEqual(len(rows) - len(crises), 150)
        for category in Category:
            for language in safety.LANGUAGES:
                self.assertTrue(
                    any(r.category == category.value and r.lang == language for r in crises),
                    (category, language),
                )
        self.assertEqual({r.form for r in crises}, set(safety_eval.FORMS))
        self.assertEqual({r.lang for r in rows if not r.crisis}, set(safety.LANGUAGES))

    def test_the_probe_shares_no_crisis_statement_with_the_dev_part(self):
        dev = {r.text for r in safety_eval.load_rows(splits=frozenset({"dev"}))}
        probe = safety_eval.load_rows(safety_eval.PROBE)
        self.assertEqual(dev & {r.text for r in probe if r.crisis}, set())
        # only a few idioms the issue itself quotes ("this deadline is killing me") recur
        self.assertLessEqual(len(dev & {r.text for r in probe if not r.crisis}), 3)


class DevOnlyTests(SimpleTestCase):
    def test_dev_only_reads_no_held_out_row_and_judges_no_gate(self):
        read = []
        original = safety_eval.load_rows

        def spy(*args, **kwargs):
            rows = original(*args, **kwargs)
            read.extend(rows)
            return rows

        with mock.patch.object(safety_eval, "load_rows", spy):
            section = safety_eval.evaluate(dev_only=True)
        self.assertTrue(read)
        self.assertEqual({r.split for r in read}, {"dev", "probe"})
        self.assertEqual(section.gates, {})
        self.assertFalse([k for k in section.figures if k.startswith("heldout")])
        self.assertFalse([n for n in section.notes if "heldout" in n])
        # where the net stands on the parts tuning may read; a change that lowers it fails
        self.assertGreaterEqual(section.figures["dev_recall"], 0.99)
        self.assertLessEqual(section.figures["dev_false_alarm_rate"], 0.01)
        self.assertGreaterEqual(section.figures["probe_recall"], 0.98)
        self.assertLessEqual(section.figures["probe_false_alarm_rate"], 0.01)
        # Its speed (assess_cpu_ms_p95) is measured by `make eval-companion`, not here.
        self.assertIn("assess_cpu_ms_p95", section.figures)

    def test_the_command_measures_dev_and_probe_only_for_the_safety_section(self):
        out = StringIO()
        call_command("eval_companion", "safety", "--dev-only", stdout=out)
        self.assertIn("probe_recall", out.getvalue())
        self.assertNotIn("heldout", out.getvalue())
        self.assertIn("No gate judged", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("eval_companion", "core", "--dev-only", stdout=StringIO())
