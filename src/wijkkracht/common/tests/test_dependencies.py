"""The dependency direction of docs/architecture.md, checked on every module: an app imports only apps in
the layers below it, so each app can be read and changed on its own. Tests and migrations are left out (a test
may set up data through a higher layer)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

#: Layer of each app; an app may import apps of a lower layer. The bottom layer's apps are the platform and
#: may use each other.
LAYERS: dict[str, int] = {
    "common": 0,
    "accounts": 0,
    "teams": 0,
    "privacy": 0,
    "security": 0,
    "households": 1,
    "instruments": 1,
    "diagnosis": 2,
    "plans": 3,
    "socialmap": 4,
    "monitoring": 4,
    "consent": 5,
    "referrals": 6,
    "mandate": 7,
    "escalations": 8,
    "casefile": 9,
    "outcomes": 10,
    "demo": 11,
}

#: Imports against the direction that are there on purpose, with the reason.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("privacy", "households"): "the access rules filter households: `privacy.access` is the one place they live",
}


def app_modules() -> list[tuple[str, Path]]:
    modules = []
    for app in LAYERS:
        for path in sorted((PACKAGE / app).rglob("*.py")):
            parts = path.relative_to(PACKAGE / app).parts
            if parts[0] in ("tests", "migrations") or path.name in ("testing.py", "conftest.py"):
                continue
            modules.append((app, path))
    return modules


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "wijkkracht" and len(parts) > 1 and parts[1] in LAYERS:
                apps.add(parts[1])
    return apps


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(LAYERS), f"give these apps a layer: {sorted(apps - set(LAYERS))}"


@pytest.mark.parametrize(("app", "path"), app_modules(), ids=lambda value: str(value).rsplit("wijkkracht/", 1)[-1])
def test_an_app_imports_only_the_layers_below_it(app, path):
    wrong = sorted(
        other
        for other in imported_apps(path) - {app}
        if (LAYERS[other] > LAYERS[app] or (LAYERS[other] == LAYERS[app] and LAYERS[app] > 0))
        and (app, other) not in ALLOWED_UPWARD
    )
    assert not wrong, f"{path.relative_to(PACKAGE)} ({app}, layer {LAYERS[app]}) imports {wrong}"


def test_households_imports_neither_diagnosis_nor_plans():
    """The issue that moved the combining code to `casefile` asked for exactly this; the walk above proves it
    for every module, this names it (and fails if someone gives households a higher layer)."""
    assert LAYERS["households"] < LAYERS["diagnosis"] < LAYERS["plans"] < LAYERS["casefile"]
    assert LAYERS["teams"] < LAYERS["households"]
