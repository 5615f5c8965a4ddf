"""HTML injection, the htmx way: markup that a person writes must never reach a
page as markup. CSP blocks <script>, but an element with ``hx-post`` and
``hx-trigger=load`` would make the reader's browser send a CSRF-valid request.

The sweep plants an htmx-attribute payload in every text column a person can
write (names, titles, notes, agenda, goals, units, check-ins, companion turns),
then requests every page each persona may open (the route sweep's personas and
URL list), submits every form on those pages with the payload in each text
input, and fails if the payload arrives unescaped — in page content, a form's
label or help text, a message after a redirect, or an htmx fragment.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

from django.apps import apps
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from bearing.lib.fields import EncryptedJSONField
from bearing.testing import WorldTestCase

from .test_route_sweep import ANON, PERSONAS, POLICY, add_route_objects

PAYLOAD = "<i hx-post=/logout/ hx-trigger=load>x</i>"
SHORT_PAYLOAD = "<i hx-get=/x>"  # for columns shorter than PAYLOAD
RAW = b"<i hx-"
ESCAPED = b"&lt;i hx-"

BEARING_APPS = {"accounts", "engagements", "growth", "companion", "programs", "insight", "practice"}
# Columns no one types into: secrets, machine state, identifiers from fixed lists.
NOT_WRITTEN_BY_A_PERSON = {
    "accounts.User.password",
    "accounts.User.time_zone",
    "accounts.User.calendar_token_hash",
    "accounts.Invitation.token_hash",
    "growth.CheckInRhythm.time_zone",
    "growth.Reminder.subject_key",
    "growth.Reminder.claimed_by",
    "growth.Reminder.skip_reason",
    "companion.CompanionConversation.scenario",
    "companion.CompanionMessage.stage",
    # insight: shipped instrument data (wording from the data files) and link digests
    "insight.Instrument.key",
    "insight.Competency.key",
    "insight.Item.key",
    "insight.RaterInvitation.token_hash",
    "insight.RaterAnswers.resume_hash",
    "insight.RaterComment.competency_key",
    "insight.RaterComment.order_key",
}


def written_text_fields(model: type[models.Model]) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        label = f"{model._meta.label}.{field.name}"
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.EmailField | EncryptedJSONField)  # not text
            and not field.choices
            and label not in NOT_WRITTEN_BY_A_PERSON
        ):
            fields.append(field)
    return fields


def plant(payload: str = PAYLOAD) -> int:
    """Write the payload into every person-written text column of every row."""
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in BEARING_APPS:
            continue
        fields = written_text_fields(model)
        if not fields:
            continue
        for row in model._base_manager.all():
            for field in fields:
                suffix = f" {row.pk}" if field.unique else ""
                room = (field.max_length or 10_000) - len(suffix)
                # A short column gets the payload cut after its tag (still an element
                # that posts on load), or the short form.
                value = payload[:room] if room >= payload.index(">") + 1 else SHORT_PAYLOAD
                value += suffix
                setattr(row, field.attname, value)
                planted += 1
            row.save(update_fields=[f.attname for f in fields])
    return planted


def body_of(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


class _Forms(HTMLParser):
    """The POST forms of a page, each with the data a person would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {
                    "action": a.get("action") or "",
                    "htmx": "hx-post" in a,
                    "data": {},
                    "button": None,
                }
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        data = self._form["data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            value = a.get("value") or ""
            if kind in {"text", "search", "url", "tel", "email", "password"}:
                data[name] = PAYLOAD
            elif kind == "hidden":
                data[name] = value
            elif kind in {"checkbox", "radio"}:
                if "checked" in a or (kind == "radio" and name not in data):
                    data[name] = value or "on"
            elif kind == "date":
                data[name] = value or (timezone.localdate() + timedelta(days=10)).isoformat()
            elif kind == "datetime-local":
                when = timezone.localtime() + timedelta(days=10)
                data[name] = value or when.strftime("%Y-%m-%dT10:00")
            elif kind == "time":
                data[name] = value or "09:00"
            elif kind == "number":
                data[name] = value or "1"
        elif tag == "textarea" and name:
            data[name] = PAYLOAD
            self._textarea = name
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (value and self._select not in data):
                data[self._select] = value
        elif tag == "button" and name and self._form["button"] is None:
            self._form["button"] = (name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class _UnguardedText(HTMLParser):
    """Text nodes carrying the payload outside any ``hx-disable`` region."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    NOT_PROCESSED = {"title", "textarea", "option"}  # text only: never markup

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.unguarded: list[str] = []
        self.dead_controls: list[str] = []  # our own htmx attributes, switched off

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        inherited = bool(self.stack and self.stack[-1][1])
        if inherited and any(k in a for k in ("hx-get", "hx-post")):
            self.dead_controls.append(f"<{tag} {a.get('hx-get') or a.get('hx-post')}>")
        if tag in self.VOID:
            return
        self.stack.append((tag, inherited or "hx-disable" in a))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if "<i hx-" not in data:
            return
        tag, disabled = self.stack[-1] if self.stack else ("", False)
        if not disabled and tag not in self.NOT_PROCESSED:
            path = " > ".join(t for t, _ in self.stack[-4:])
            self.unguarded.append(f"{path}: {data.strip()[:60]}")


class HtmlInjectionSweepTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_route_objects(cls.w)
        cls.planted = plant()

    def user_for(self, persona: str):
        return None if persona == ANON else getattr(self.w, persona)

    def pages(self):
        """(persona, route name, url) for every page each persona may open."""
        for name, route in POLICY.items():
            if "GET" not in route.methods:
                continue
            url = reverse(name, kwargs=route.kwargs(self.w))
            for persona in PERSONAS:
                if route.allows(persona, "GET") and (persona != ANON or route.public):
                    yield persona, name, url

    def assertNoMarkup(self, response, where: str):
        body = body_of(response)
        if is_html(response):
            self.assertNotIn(RAW, body, f"the payload arrives as markup: {where}")

    def test_the_payload_is_planted_widely(self):
        self.assertGreater(self.planted, 40)

    def test_no_page_carries_the_payload_as_markup(self):
        escaped_on = set()
        for persona, name, url in self.pages():
            self.login(self.user_for(persona))
            response = self.client.get(url)
            with self.subTest(persona=persona, route=name):
                self.assertLess(response.status_code, 400)
                self.assertNoMarkup(response, f"{persona} GET {name}")
            if ESCAPED in body_of(response):
                escaped_on.add(name)
        # The sweep is only worth something if the payload is really on the pages:
        # the key result's unit in the check-in form's help text, among many others.
        self.assertIn("growth:check_in", escaped_on)
        self.assertGreater(len(escaped_on), 15, sorted(escaped_on))

    def test_the_check_in_help_text_shows_the_unit_as_text(self):
        self.login(self.w.coachee)
        response = self.client.get(reverse("growth:check_in", args=[self.w.engagement.code]))
        self.assertContains(response, "Target 3 (&lt;i hx-post=/logout/ hx-trigger=load&gt;")
        self.assertNotContains(response, "<i hx-post")

    def test_every_form_answers_the_payload_as_text(self):
        submitted = 0
        seen: set[tuple] = set()
        for persona, name, url in self.pages():
            self.login(self.user_for(persona))
            page = self.client.get(url)
            if not is_html(page):
                continue
            parser = _Forms()
            parser.feed(body_of(page).decode())
            for form in parser.forms:
                action = form["action"] or url
                key = (persona, action, tuple(sorted(form["data"])), form["htmx"])
                if key in seen or not action.startswith("/"):
                    continue
                seen.add(key)
                data = dict(form["data"])
                if form["button"]:
                    data.setdefault(*form["button"])
                headers = {"HX-Request": "true"} if form["htmx"] else {}
                with transaction.atomic():
                    response = self.client.post(action, data, follow=True, headers=headers)
                    transaction.set_rollback(True)
                submitted += 1
                with self.subTest(persona=persona, page=name, action=action):
                    self.assertLess(response.status_code, 500)
                    self.assertNoMarkup(response, f"{persona} POST {action} from {name}")
        self.assertGreater(submitted, 40)

    def test_a_message_with_the_payload_is_escaped(self):
        # Staff name an organization: the success message repeats the name.
        self.login(self.w.staff)
        response = self.client.post(
            reverse("accounts:staff_organization"), {"org-name": PAYLOAD}, follow=True
        )
        self.assertContains(response, "&lt;i hx-post=/logout/")
        self.assertNotContains(response, "<i hx-post")


class HtmxConfigTests(WorldTestCase):
    """htmx is configured so that markup arriving in content cannot reach out:
    no eval, no scripts, requests only to this site, no page snapshots kept in
    the browser's storage; user text sits inside ``hx-disable`` regions."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_route_objects(cls.w)
        cls.planted = plant()

    pages = HtmlInjectionSweepTests.pages
    user_for = HtmlInjectionSweepTests.user_for

    def htmx_config(self, html: str) -> dict | None:
        class _Meta(HTMLParser):
            config = None

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "meta" and a.get("name") == "htmx-config":
                    _Meta.config = json.loads(a["content"])

        _Meta().feed(html)
        return _Meta.config

    def test_every_page_carries_the_safe_htmx_config(self):
        checked = 0
        for persona, name, url in self.pages():
            self.login(self.user_for(persona))
            response = self.client.get(url)
            if not is_html(response) or response.status_code != 200:
                continue
            config = self.htmx_config(body_of(response).decode())
            with self.subTest(persona=persona, route=name):
                self.assertIsNotNone(config, "no htmx-config meta")
                self.assertIs(config.get("allowEval"), False)
                self.assertIs(config.get("allowScriptTags"), False)
                self.assertIs(config.get("selfRequestsOnly"), True)
                self.assertEqual(config.get("historyCacheSize"), 0)
            checked += 1
        self.assertGreater(checked, 30)

    def test_user_text_sits_inside_hx_disable_regions(self):
        checked = 0
        for persona, name, url in self.pages():
            self.login(self.user_for(persona))
            response = self.client.get(url)
            if not is_html(response) or ESCAPED not in body_of(response):
                continue
            parser = _UnguardedText()
            parser.feed(body_of(response).decode())
            with self.subTest(persona=persona, route=name):
                self.assertEqual(parser.unguarded, [], f"user text outside hx-disable on {name}")
                self.assertEqual(parser.dead_controls, [], f"htmx switched off on {name}")
            checked += 1
        self.assertGreater(checked, 15)

    def test_pages_that_use_htmx_keep_it_working(self):
        # hx-disable cannot be undone below: a page's own htmx controls must sit
        # outside every hx-disable region, or the page silently stops updating.
        session = self.w.past_session.code
        pages = {
            (self.w.coach, reverse("engagements:detail", args=[self.w.engagement.code])),
            (self.w.coachee, reverse("engagements:session_detail", args=[session])),
            (self.w.coach, reverse("engagements:create")),
            (self.w.coachee, reverse("companion:conversation", args=[self.w.conversation.code])),
            (self.w.coachee, reverse("companion:roleplay", args=[self.w.roleplay.code])),
        }
        for user, url in pages:
            self.login(user)
            html = body_of(self.client.get(url)).decode()
            parser = _UnguardedText()
            parser.feed(html)
            with self.subTest(url=url):
                self.assertRegex(html, r"hx-(get|post)=")
                self.assertEqual(parser.dead_controls, [])

    def test_htmx_fragments_keep_user_text_inside_hx_disable(self):
        self.login(self.w.coachee)
        fragments = [
            (reverse("companion:roleplay", args=[self.w.roleplay.code]), {"text": PAYLOAD}),
            (reverse("engagements:action_done", args=[self.w.action.code]), {"done": "1"}),
            (reverse("companion:conversation", args=[self.w.conversation.code]), {"text": PAYLOAD}),
        ]
        for url, data in fragments:
            response = self.client.post(url, data, headers={"HX-Request": "true"})
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(ESCAPED, body_of(response), url)
            parser = _UnguardedText()
            parser.feed(body_of(response).decode())
            self.assertEqual(parser.unguarded, [], url)
            self.assertEqual(parser.dead_controls, [], url)
