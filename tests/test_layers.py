"""The floors of the house (pyproject.toml's import-linter contracts, checked by `make lint`)
refuse an import that runs back up.

lint-imports runs on a copy of our packages' Python files, once as they are (the contracts
hold) and once with one module added that imports a floor above its own: the check must then
fail and name that import. The copy keeps the real tree untouched.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("brest_internet", "neighborhoods", "votes", "subscriptions", "support")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    """Our packages' Python files and pyproject.toml, copied."""
    copy = tmp_path_factory.mktemp("house")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            copy / package,
            ignore=lambda folder, names: [
                name
                for name in names
                if not name.endswith(".py")
                and not (Path(folder) / name).is_dir()
                or name == "__pycache__"
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint_imports(house: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(house / "pyproject.toml")],
        cwd=house,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(house)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_house_keeps_its_floors(house):
    result = lint_imports(house)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A domain app reaching up to the programme's dashboard.
        (
            "neighborhoods/probe.py",
            "from brest_internet.programme.dashboard import stats",
            "Floors: programme",
        ),
        # votes standing on support, the floor above it.
        ("votes/probe.py", "from support import stats", "Floors: programme"),
        # The kit using an app.
        ("brest_internet/common/probe.py", "from neighborhoods import models", "ground-floor"),
        # Two rooms of the top floor: the open data may not use the programme's dashboard.
        (
            "brest_internet/opendata/probe.py",
            "from brest_internet.programme.dashboard import stats",
            "Floors: programme",
        ),
    ],
)
def test_an_import_that_runs_back_up_fails(house, module, line, contract):
    probe = house / module
    probe.write_text(f'"""An import that runs back up."""\n\n{line}  # noqa: F401\n')
    try:
        result = lint_imports(house)
    finally:
        probe.unlink()
    assert result.returncode != 0
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} ->" in result.stdout, result.stdout
    assert re.search(r"Contracts: \d+ kept, [1-9]\d* broken", result.stdout), result.stdout
    _summary, broken = result.stdout.split("Broken contracts", 1)
    assert contract in broken, result.stdout
