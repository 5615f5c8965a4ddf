"""No view reads a declared record kind without the door.

A record kind declared in ``bearing.lib.policy`` holds personal or confidential
data; a view may reach its rows only through the access module
(``bearing.engagements.access.get_for``, or a query function built on it) or
through a record that already came through it (``engagement.summaries``). This
test reads the source of every module that serves a URL — found from the URL
configuration itself, so a new views module is covered the day it gets a route —
and fails on a direct fetch of a declared model there:

- ``Model.objects…`` or ``Model._default_manager…``
- ``get_object_or_404(Model, …)`` / ``get_list_or_404(Model, …)``

where ``Model`` is the class of a declared kind (by name, whatever the import).
It also fails when a fetch function in an app's ``queries.py`` (``*_get_for``,
``*_get``) does not call ``access.get_for``: the copied fetch-check-deny block
coming back.
Each exception is listed in ``REVIEWED`` with its reason; an entry that no longer
matches anything fails too, so the list cannot silently outgrow the code.

Why a scan of the source rather than watching ``get_for`` during the route sweep:
the sweep proves each URL answers as the policy says, but a view can pass
through the door for one record and then read another one directly; only reading
the view shows that. The scan is static and cheap, needs no fixtures, and names
the line to fix. What it cannot see — a model reached through a helper in
another module — is the job of the route sweep and the canary tests.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from bearing.lib import policy

# (module, function, model): why this direct read is sound. Keep it short.
REVIEWED: dict[tuple[str, str, str], str] = {
    ("bearing.engagements.month", "month_sessions_for", "CoachingSession"): (
        "a list, not a fetch by code: only sessions where the viewer is the coach or "
        "the coachee, and only times, names and status (no agenda, no notes)"
    ),
    ("bearing.exports.views", "_page", "DataExport"): (
        "the viewer's own exports (filtered by user), without the archive"
    ),
}

_FETCHERS = {"get_object_or_404", "get_list_or_404"}
_MANAGERS = {"objects", "_default_manager"}


def view_modules() -> list[str]:
    """Every module that holds a view some URL routes to."""
    found: set[str] = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                callback = inspect.unwrap(p.callback)
                module = getattr(callback, "__module__", None)
                if module and module.startswith("bearing."):
                    found.add(module)

    walk(get_resolver().url_patterns)
    return sorted(found)


def declared_model_names() -> set[str]:
    return {kind.model_class().__name__ for kind in policy.record_kinds()}


def _name(node: ast.AST) -> str | None:
    """``Goal`` for ``Goal`` or ``models.Goal``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def bypasses_in(source: str, declared: set[str]) -> list[tuple[str, str, int]]:
    """(function, model, line) for each direct read of a declared model."""
    found: list[tuple[str, str, int]] = []

    class Visitor(ast.NodeVisitor):
        def __init__(self):
            self.function = "<module>"

        def visit_FunctionDef(self, node):
            outer, self.function = self.function, node.name
            self.generic_visit(node)
            self.function = outer

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Attribute(self, node):
            if node.attr in _MANAGERS and _name(node.value) in declared:
                found.append((self.function, _name(node.value), node.lineno))
            self.generic_visit(node)

        def visit_Call(self, node):
            if _name(node.func) in _FETCHERS and node.args and _name(node.args[0]) in declared:
                found.append((self.function, _name(node.args[0]), node.lineno))
            self.generic_visit(node)

    Visitor().visit(ast.parse(source))
    return found


def door_bypasses() -> tuple[list[str], set[tuple[str, str, str]]]:
    """Unreviewed direct reads, and the reviewed entries that were seen."""
    declared = declared_model_names()
    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for module_name in view_modules():
        module = importlib.import_module(module_name)
        path = Path(inspect.getsourcefile(module))
        for function, model, line in bypasses_in(path.read_text(), declared):
            key = (module_name, function, model)
            if key in REVIEWED:
                seen.add(key)
            else:
                problems.append(f"{module_name}:{line} {function}() reads {model} without the door")
    return problems, seen


# Apps below the access module (it imports them), whose fetches cannot use it.
_BELOW_THE_DOOR = {"bearing.accounts.queries"}


def fetchers_off_the_door() -> list[str]:
    """Every ``*_get_for`` / ``*_get`` read in an app's queries that does not call
    ``get_for``: a copied fetch-check-deny block coming back."""
    problems = []
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/queries.py")):
        module = f"bearing.{path.parent.name}.queries"
        if module in _BELOW_THE_DOOR:
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or not (
                node.name.endswith("_get_for") or node.name.endswith("_get")
            ):
                continue
            calls = {_name(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
            if "get_for" not in calls:
                problems.append(f"{module}.{node.name} fetches without access.get_for")
    return problems


class ViewDoorTests(SimpleTestCase):
    def test_every_fetch_by_code_in_the_queries_goes_through_the_door(self):
        self.assertEqual(fetchers_off_the_door(), [])

    def test_a_fetch_of_its_own_is_reported(self):
        # The accounts' fetches sit below the door; counted as above it, they show.
        with mock.patch(f"{__name__}._BELOW_THE_DOOR", set()):
            self.assertIn(
                "bearing.accounts.queries.role_grant_get_for fetches without access.get_for",
                fetchers_off_the_door(),
            )

    def test_no_view_reads_a_declared_record_kind_without_the_door(self):
        problems, _ = door_bypasses()
        self.assertEqual(problems, [])

    def test_every_reviewed_exception_still_exists(self):
        _, seen = door_bypasses()
        self.assertEqual(set(REVIEWED) - seen, set())

    def test_the_views_of_every_product_area_are_scanned(self):
        modules = view_modules()
        for name in (
            "bearing.engagements.views",
            "bearing.growth.views",
            "bearing.companion.views",
            "bearing.programs.views",
            "bearing.exports.views",
        ):
            self.assertIn(name, modules)

    def test_a_direct_read_is_caught_however_it_is_written(self):
        source = (
            "from bearing.growth import models as gm\n"
            "def goal(request, code):\n"
            "    return gm.Goal.objects.get(code=code)\n"
            "def note(request, code):\n"
            "    return get_object_or_404(PrivateNote, code=code)\n"
            "def check_ins(request):\n"
            "    return CheckIn._default_manager.all()\n"
            "def fine(request, code):\n"
            "    return Organization.objects.get(code=code), Goal.title\n"
        )
        self.assertEqual(
            bypasses_in(source, declared_model_names()),
            [("goal", "Goal", 3), ("note", "PrivateNote", 5), ("check_ins", "CheckIn", 7)],
        )
