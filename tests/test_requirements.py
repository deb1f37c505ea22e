"""What a learner installs: one torch range, in requirements.txt and pyproject.toml, whose two
ends are the set-ups CI runs the lesson and the suite on (.ci/run)."""

from __future__ import annotations

import re

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib


def required(lines: list[str]) -> dict[str, SpecifierSet]:
    requirements = [Requirement(line) for line in lines]
    return {requirement.name: requirement.specifier for requirement in requirements}


def requirements_txt() -> dict[str, SpecifierSet]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return required([line for line in lines if line.strip() and not line.startswith(("#", "-"))])


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def ci_end(name: str) -> tuple[Version, dict[str, Version]]:
    """The Python version and the exact pins of one end in .ci/run."""
    python, *pins = (
        re.search(rf"^{name}=\((.*)\)$", (ROOT / ".ci" / "run").read_text(), re.M).group(1).split()
    )
    pinned = {r.name: Version(str(r.specifier).removeprefix("==")) for r in map(Requirement, pins)}
    return Version(python), pinned


def test_requirements_txt_and_pyproject_ask_for_the_same():
    assert requirements_txt() == required(pyproject()["dependencies"])


def test_the_range_runs_from_the_oldest_set_up_ci_tests_to_the_newest():
    oldest_python, oldest = ci_end("OLDEST")
    newest_python, newest = ci_end("NEWEST")
    ranges = requirements_txt()
    for pins in (oldest, newest):
        assert set(pins) == set(ranges) and all(pins[name] in ranges[name] for name in pins)
    torch = ranges["torch"]
    lowest = oldest["torch"]
    assert lowest in torch and Version(f"{lowest.major}.{lowest.minor - 1}.99") not in torch  # nothing older
    assert (
        Version(f"{newest['torch'].major}.{newest['torch'].minor + 1}") not in torch
    )  # nothing untested newer
    assert oldest_python in SpecifierSet(pyproject()["requires-python"])
    assert Version(f"{oldest_python.major}.{oldest_python.minor - 1}") not in SpecifierSet(
        pyproject()["requires-python"]
    )
    assert (oldest_python, newest_python) == (Version("3.10"), Version("3.13"))  # "Python 3.10 to 3.13"


def minor(version: Version) -> str:
    return f"{version.major}.{version.minor}"


def test_the_readme_gives_the_range_ci_tests_and_a_cpu_build_inside_it():
    readme = " ".join((ROOT / "README.md").read_text().split())
    (oldest_python, oldest), (newest_python, newest) = ci_end("OLDEST"), ci_end("NEWEST")
    torches = f"{minor(oldest['torch'])} to {minor(newest['torch'])}"
    assert f"Python {minor(oldest_python)} to {minor(newest_python)} and PyTorch {torches}" in readme
    assert f"a torch from {torches}" in readme and "keeps it" in readme
    cpu_build = re.search(r"pip install torch==(\S+) --index-url \S+/whl/cpu", readme).group(1)
    assert Version(cpu_build) in requirements_txt()["torch"]
