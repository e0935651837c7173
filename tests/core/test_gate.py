"""The type gate covers what ARCHITECTURE.md promises: core, and every app's services,
queries and rules — a new app's modules cannot slip past it unlisted."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checked() -> set[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: set[Path] = set()
    for pattern in config["tool"]["mypy"]["files"]:
        for path in ROOT.glob(pattern):
            found |= set(path.rglob("*.py")) if path.is_dir() else {path}
    return found


def test_mypy_checks_every_services_queries_and_rules_module():
    checked = _checked()
    required = {
        path
        for name in ("services.py", "queries.py", "rules.py")
        for path in (ROOT / "src" / "dangbo").glob(f"*/{name}")
    }
    assert required, "no module found: the test looks in the wrong place"
    assert sorted(str(p.relative_to(ROOT)) for p in required - checked) == []


def test_mypy_checks_the_scope_and_all_of_core():
    checked = _checked()
    core = ROOT / "src" / "dangbo" / "core"
    assert core / "scope.py" in checked
    assert set(core.rglob("*.py")) <= checked
