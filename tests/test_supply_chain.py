"""The lock files pin every dependency that pyproject.toml names, and the audit tells the truth."""

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", re.M)


def _locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, v in PIN.findall(text)}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.parametrize(("lock", "extras"), [("run.txt", ()), ("dev.txt", ("dev",))])
def test_every_declared_dependency_is_locked_at_a_version_it_allows(lock, extras):
    project = _pyproject()["project"]
    declared = list(project["dependencies"])
    for extra in extras:
        declared += project["optional-dependencies"][extra]
    locked = _locked(lock)
    problems = []
    for line in declared:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name not in locked:
            problems.append(f"{name} is not in requirements/{lock}")
        elif not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(f"{name}=={locked[name]} does not satisfy {requirement.specifier}")
    assert not problems, "run `make lock`: " + "; ".join(problems)


def test_every_locked_package_carries_a_hash():
    for lock in ("run.txt", "dev.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / lock).read_text())
        pins = [b for b in blocks if PIN.match(b)]
        assert pins, lock
        assert all("--hash=sha256:" in b for b in pins), lock


@pytest.fixture
def audit_module():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_audit_that_reached_no_data_says_skipped_and_passes(audit_module, monkeypatch, capsys):
    unreachable = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    monkeypatch.setattr(audit_module, "audit", lambda _tool, service: None if service == "osv"
                        else unreachable)
    assert audit_module.main() == 0
    out = capsys.readouterr().out
    assert "0 of 1 packages audited" in out
    assert "SKIPPED" in out


def test_a_known_vulnerability_fails_the_audit(audit_module, monkeypatch, capsys):
    report = {"dependencies": [
        {"name": "flask", "version": "3.0.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["3.0.1"]}]},
        {"name": "nh3", "version": "0.2.0", "vulns": []},
        {"name": "segno", "skip_reason": "Dependency not found on PyPI"},
    ]}
    monkeypatch.setattr(audit_module, "audit", lambda _tool, _service: report)
    assert audit_module.main() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE flask 3.0.0: PYSEC-1 (fixed in 3.0.1)" in out
    assert "2 of 3 locked packages audited, 1 vulnerable; NOT audited: segno" in out


def test_a_clean_audit_passes(audit_module, monkeypatch, capsys):
    report = {"dependencies": [{"name": "nh3", "version": "0.2.0", "vulns": []}]}
    monkeypatch.setattr(audit_module, "audit", lambda _tool, _service: report)
    assert audit_module.main() == 0
    assert "1 of 1 locked packages audited, 0 vulnerable." in capsys.readouterr().out
