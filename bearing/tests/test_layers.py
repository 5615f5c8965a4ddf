"""The house, checked: every import between Bearing's apps points down the declared order.

    lib  ->  audit  ->  accounts  ->  engagements  ->  product areas  ->  top
    (ground)                                           growth, companion,   ops, urls,
                                                       exports, programs,   settings, views,
                                                       workspace            staff, wsgi

A module may import its own app and any app on a lower floor. Product areas sit on one
floor: one may use another's public `queries`, `services` and `models` (reads, writes and
the record types they pass around), never its views, forms or anything else, and never in
a circle. `lib` imports no app. The top floor may import anything; nothing imports it.
Tests and `bearing.testing` may import anything; nothing else imports them. Nowhere is a
private name (`_name`) imported from another app. Imports inside functions count too: an
import moved into a function to dodge a cycle is still an arrow. Only imports under
`if TYPE_CHECKING:` may name a higher floor (audit's entries name the user model as their
actor's type): they are annotations, never executed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FLOORS = {
    "lib": 0,
    "audit": 1,
    "accounts": 2,
    "engagements": 3,
    "growth": 4,
    "companion": 4,
    "practice": 4,
    "exports": 4,
    "rehearsals": 4,
    "programs": 4,
    "workspace": 4,
    "insight": 4,
    "ops": 5,
    "urls": 5,
    "settings": 5,
    "views": 5,
    "staff": 5,
    "wsgi": 5,
}
PRODUCT_FLOOR = 4
TOP_FLOOR = 5
# What one product area may import from another.
PUBLIC_BETWEEN_PRODUCT_AREAS = {"queries", "services", "models"}

# Known exceptions, each with the reason and the way out. The list may only shrink: an entry
# that no longer occurs fails the test below, so it is removed once fixed.
ALLOWED: set[tuple[str, str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test_code(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or module.startswith("bearing.testing") or parts[-1] == "conftest"


def type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The import statements that run only under the type checker."""
    nodes: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for child in node.body:
                nodes.update(ast.walk(child))
    return nodes


def imports_of(source: str, runtime_only: bool = False) -> list[tuple[str, str]]:
    """(module, name) for every import of Bearing code in the source, at any depth;
    with ``runtime_only``, leaving out those under ``if TYPE_CHECKING:``."""
    found = []
    tree = ast.parse(source)
    skip = type_checking_only(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bearing" or node.module.startswith("bearing."):
                for alias in node.names:
                    # `from bearing import testing` names a module: treat it as one.
                    if node.module == "bearing":
                        found.append((f"bearing.{alias.name}", ""))
                    else:
                        found.append((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bearing."):
                    found.append((alias.name, ""))
    return found


def problems_in(module: str, source: str) -> list[tuple[str, str, str, str]]:
    """(importer, imported module, name, why) for each import breaking the house rules."""
    app = module.split(".")[1] if "." in module else ""
    test_code = is_test_code(module)
    problems = []
    runtime = set(imports_of(source, runtime_only=True))
    for target, name in imports_of(source):
        parts = target.split(".")
        other = parts[1] if len(parts) > 1 else ""
        if other == app:
            continue
        if name.startswith("_"):
            problems.append((module, target, name, "private name imported from another app"))
        if test_code or (target, name) not in runtime:
            continue
        if is_test_code(target):
            problems.append((module, target, name, "application code imports test code"))
            continue
        mine, theirs = FLOORS.get(app), FLOORS.get(other)
        if mine is None or theirs is None:
            problems.append((module, target, name, "module outside the declared floors"))
        elif mine == TOP_FLOOR:
            continue
        elif theirs > mine:
            problems.append((module, target, name, f"{app} (floor {mine}) imports up"))
        elif theirs == mine == PRODUCT_FLOOR:
            # `from bearing.growth import queries` names the module in the import.
            submodule = parts[2] if len(parts) > 2 else name
            if submodule not in PUBLIC_BETWEEN_PRODUCT_AREAS:
                problems.append(
                    (module, target, name, "product areas meet only in queries/services/models")
                )
        elif theirs == mine:
            problems.append((module, target, name, f"{app} and {other} share a floor"))
    return problems


def bearing_modules() -> dict[str, str]:
    return {
        module_name(path): path.read_text()
        for path in sorted((ROOT / "bearing").rglob("*.py"))
        if "migrations" not in path.parts
    }


def test_every_import_points_down_the_house():
    problems = [
        problem
        for module, source in bearing_modules().items()
        for problem in problems_in(module, source)
        if problem[:3] not in ALLOWED
    ]
    assert problems == [], "\n".join(" -> ".join(p[:2]) + f" {p[2]}: {p[3]}" for p in problems)


def test_allowed_exceptions_still_occur():
    seen = {
        problem[:3]
        for module, source in bearing_modules().items()
        for problem in problems_in(module, source)
    }
    assert ALLOWED - seen == set(), "fixed: remove from ALLOWED"


def test_product_areas_import_one_another_without_a_circle():
    edges: dict[str, set[str]] = {}
    for module, source in bearing_modules().items():
        app = module.split(".")[1] if "." in module else ""
        if FLOORS.get(app) != PRODUCT_FLOOR or is_test_code(module):
            continue
        for target, _name in imports_of(source):
            other = target.split(".")[1]
            if other != app and FLOORS.get(other) == PRODUCT_FLOOR:
                edges.setdefault(app, set()).add(other)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in edges.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(app for app in edges if reaches(app, app, {app}))
    assert circles == []


def test_every_app_has_a_floor():
    apps = {
        path.name
        for path in (ROOT / "bearing").iterdir()
        if path.is_dir()
        and (path / "__init__.py").exists()
        and path.name not in {"testing", "tests"}
    }
    modules = {path.stem for path in (ROOT / "bearing").glob("*.py")} - {"__init__"}
    assert apps | modules <= set(FLOORS)


def test_the_checker_catches_each_kind_of_breach():
    def why(module, source):
        return [p[3] for p in problems_in(module, source)]

    assert why("bearing.lib.mail", "from bearing.accounts.models import User") == [
        "lib (floor 0) imports up"
    ]
    # Hidden in a function, still an arrow.
    assert why("bearing.audit.services", "def f():\n    import bearing.engagements.models\n") == [
        "audit (floor 1) imports up"
    ]
    assert why("bearing.growth.views", "from bearing.companion.views import home") == [
        "product areas meet only in queries/services/models"
    ]
    assert why("bearing.engagements.views", "from bearing.accounts.services import _deny") == [
        "private name imported from another app"
    ]
    assert why("bearing.lib.mail", "from bearing import testing") == [
        "application code imports test code"
    ]
    assert why("bearing.programs.views", "from bearing.ops.demo import DEMO_PASSWORD") == [
        "programs (floor 4) imports up"
    ]
    # What is allowed stays allowed.
    assert (
        why("bearing.programs.views", "from bearing.growth.queries import sponsor_summaries") == []
    )
    assert why("bearing.ops.demo", "from bearing.growth.models import Goal") == []
    assert why("bearing.workspace", "from bearing.growth import queries") == []
    assert why("bearing.workspace", "from bearing.growth import views") == [
        "product areas meet only in queries/services/models"
    ]
    assert why("bearing.engagements.tests.test_x", "from bearing.testing import Personas") == []
    assert why("bearing.growth.services", "from bearing.growth.queries import _own") == []
    # A type named for the checker only is no arrow at run time.
    typed = "if TYPE_CHECKING:\n    from bearing.accounts.models import User\n"
    assert why("bearing.audit.services", typed) == []
    assert why("bearing.audit.services", typed + "from bearing.accounts.models import Role\n") == [
        "audit (floor 1) imports up"
    ]
