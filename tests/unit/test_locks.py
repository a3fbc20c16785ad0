"""The hash-locked requirement files agree with pyproject.toml (run `make lock` when they do not)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _locked(name: str) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) from requirements/<name>.txt."""
    found: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            found[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


RUNTIME, DEV = _locked("runtime"), _locked("dev")


@pytest.mark.parametrize(
    ("lock", "declared"),
    [
        pytest.param(RUNTIME, PROJECT["dependencies"], id="runtime"),
        pytest.param(DEV, PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"], id="dev"),
    ],
)
def test_every_declared_dependency_is_locked_at_a_version_pyproject_allows(lock, declared):
    stale = []
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in lock or not requirement.specifier.contains(lock[name][0], prereleases=True):
            stale.append(f"{text} (locked: {lock.get(name, ('nothing',))[0]})")
    assert not stale, f"run `make lock`: {stale}"


@pytest.mark.parametrize("lock", [pytest.param(RUNTIME, id="runtime"), pytest.param(DEV, id="dev")])
def test_every_locked_package_carries_the_hashes_of_its_files(lock):
    assert lock
    assert [name for name, (_version, hashes) in lock.items() if hashes == 0] == []


def test_development_runs_the_very_versions_that_servers_run():
    assert {name: DEV.get(name, ("missing",))[0] for name in RUNTIME} == {
        name: version for name, (version, _hashes) in RUNTIME.items()
    }


def test_no_test_or_lint_tool_is_in_the_runtime_lock():
    tools = {"pytest", "playwright", "pytest-playwright", "ruff", "faker", "factory-boy", "hypothesis"}
    assert tools & set(RUNTIME) == set()
    assert tools <= set(DEV)
