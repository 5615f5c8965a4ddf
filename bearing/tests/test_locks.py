"""The two locks follow pyproject.toml: a production install (requirements.lock) gets every
runtime pin at its pinned version and no test tool; a development install
(requirements-dev.lock) gets the same runtime versions plus the dev tools and the extras."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Development tools that must never reach a production install.
DEV_TOOL_PATTERNS = [
    r"pytest",
    r"pytest-.*",
    r"ruff",
    r"playwright",
    r"hypothesis",
    r"axe-.*",
    r"mypy",
    r"django-stubs",
]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pin(spec: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)\s*", spec)
    assert match, f"not an exact pin: {spec!r}"
    return canonical(match.group(1)), match.group(3)


def read_lock(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = parse_pin(line)
            pins[name] = version
    return pins


def lock_problems(pyproject: dict, runtime: dict[str, str], dev: dict[str, str]) -> list[str]:
    project = pyproject["project"]
    wanted_runtime = dict(parse_pin(spec) for spec in project["dependencies"])
    wanted_dev = dict(
        parse_pin(spec)
        for spec in pyproject.get("dependency-groups", {}).get("dev", [])
        if isinstance(spec, str)
    )
    for extra in project.get("optional-dependencies", {}).values():
        wanted_dev.update(parse_pin(spec) for spec in extra)
    problems = []
    for name, version in wanted_runtime.items():
        if runtime.get(name) != version:
            problems.append(f"requirements.lock: {name} {runtime.get(name)} != {version}")
    for name, version in {**wanted_runtime, **wanted_dev}.items():
        if dev.get(name) != version:
            problems.append(f"requirements-dev.lock: {name} {dev.get(name)} != {version}")
    for name, version in runtime.items():
        if dev.get(name) != version:
            problems.append(f"{name} differs between the locks: {version} / {dev.get(name)}")
        if any(re.fullmatch(pattern, name) for pattern in DEV_TOOL_PATTERNS):
            problems.append(f"requirements.lock holds the dev tool {name}")
        if name in wanted_dev and name not in wanted_runtime:
            problems.append(f"requirements.lock holds {name}, pinned only for development")
    return problems


def test_every_pin_is_locked_at_its_version_and_production_gets_no_test_tool():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = read_lock((ROOT / "requirements.lock").read_text())
    dev = read_lock((ROOT / "requirements-dev.lock").read_text())
    assert lock_problems(pyproject, runtime, dev) == []


def test_the_redis_cache_is_an_installable_extra():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (name, version), *_ = [
        parse_pin(spec) for spec in pyproject["project"]["optional-dependencies"]["redis"]
    ]
    assert name == "redis"
    assert read_lock((ROOT / "requirements-dev.lock").read_text())["redis"] == version


def test_the_check_catches_a_drifted_pin_and_a_test_tool_in_production():
    pyproject = {
        "project": {"dependencies": ["django==6.1.3"]},
        "dependency-groups": {"dev": ["pytest==9.2.0", {"include-group": "x"}]},
    }
    dev = {"django": "6.1.3", "pytest": "9.2.0"}
    assert lock_problems(pyproject, {"django": "6.1.3"}, dev) == []
    assert lock_problems(pyproject, {"django": "6.1.2"}, dev) == [
        "requirements.lock: django 6.1.2 != 6.1.3",
        "django differs between the locks: 6.1.2 / 6.1.3",
    ]
    assert lock_problems(pyproject, {"django": "6.1.3", "pytest": "9.2.0"}, dev) == [
        "requirements.lock holds the dev tool pytest",
        "requirements.lock holds pytest, pinned only for development",
    ]
    assert lock_problems(pyproject, {"django": "6.1.3"}, {"django": "6.1.3"}) == [
        "requirements-dev.lock: pytest None != 9.2.0"
    ]
