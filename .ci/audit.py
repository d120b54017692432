"""`make security`'s dependency audit: pip-audit over the hashed lock, with an honest summary.

pip-audit reports a package it could not look up as a skip, not a failure, so an index that serves
packages but no vulnerability data audits nothing and still "passes". This reads pip-audit's JSON and
says how many locked packages were really audited. It fails on any known vulnerability; when no
vulnerability data could be reached it says the audit was SKIPPED (exit 0: there is nothing to act on).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements" / "dev.txt"
SERVICES = ("pypi", "osv")


def audit(pip_audit: str, service: str) -> dict | None:
    """pip-audit's report against one vulnerability service, or None when it could not run."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        run = subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments, our own venv's pip-audit
            [pip_audit, "--progress-spinner", "off", "--disable-pip", "-r", str(LOCK),
             "--vulnerability-service", service, "--format", "json", "--output", str(report)],
            capture_output=True, text=True, check=False)
        if not report.exists() or not report.read_text().strip():
            print(f"pip-audit ({service}) did not run: {run.stderr.strip().splitlines()[-1:]}")
            return None
        return json.loads(report.read_text())


def main() -> int:
    pip_audit = str(Path(sys.executable).parent / "pip-audit")
    for service in SERVICES:
        report = audit(pip_audit, service)
        if report is None:
            continue
        packages = report["dependencies"]
        audited = [p for p in packages if "skip_reason" not in p]
        if not audited:
            print(f"pip-audit ({service}): no vulnerability data reachable; "
                  f"0 of {len(packages)} packages audited.")
            continue
        vulnerable = [p for p in audited if p.get("vulns")]
        for package in vulnerable:
            for vuln in package["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
                print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
        skipped = [p["name"] for p in packages if "skip_reason" in p]
        print(f"pip-audit ({service}): {len(audited)} of {len(packages)} locked packages audited, "
              f"{len(vulnerable)} vulnerable" + (f"; NOT audited: {', '.join(skipped)}" if skipped else "."))
        return 1 if vulnerable else 0
    print("pip-audit SKIPPED: no vulnerability service could be reached from here, so no dependency "
          "was audited. Run `make security` where PyPI's JSON API or OSV is reachable.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
