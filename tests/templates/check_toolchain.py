#!/usr/bin/env python3
"""The stated Rust version is the one Cargo.lock needs, everywhere it is stated (tests/templates/run.sh).

The need: the highest `rust-version` among the manifests of the crates Cargo.lock locks, as
`cargo metadata --locked` reads them (it fetches a missing crate's manifest; nothing is built).
The statements, each of which must say exactly that version:
- Cargo.toml: `[workspace.package] rust-version` (the members inherit it);
- scripts/deploy.sh: `rust_version="…"`, the version its check asks of `rustc` before the build;
- docs/deploying.md and README.md: every `Rust <version>` they write.
And the Python the AWS SAM CLI needs (aws-sam-cli 1.170.0: 3.10 or later), stated as
`python_version="…"` in scripts/deploy.sh (checked before anything slow) and scripts/package.sh
(which installs SAM), and as `Python <version> or later` in docs/deploying.md: all the same.
Exit 1 naming each statement that differs.
"""
import json
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def parse(version):
    return tuple(int(part) for part in version.split("."))


def needed():
    """The highest rust-version in the lock, and the crates that declare it."""
    metadata = json.loads(subprocess.run(
        ["cargo", "metadata", "--locked", "--format-version", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    declared = [(parse(p["rust_version"]), p["rust_version"], f'{p["name"]} {p["version"]}')
                for p in metadata["packages"] if p.get("rust_version") and p.get("source")]
    top = max(declared)[0]
    return ".".join(map(str, top)), sorted(name for key, _, name in declared if key == top)


def statements():
    """(where, version) for every place the repository states the Rust version."""
    found = []
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    found.append(("Cargo.toml [workspace.package] rust-version", cargo["workspace"]["package"]["rust-version"]))
    script = (ROOT / "scripts/deploy.sh").read_text()
    checks = re.findall(r'^rust_version="([^"]*)"', script, re.M)
    if len(checks) != 1:
        found.append((f"scripts/deploy.sh has {len(checks)} lines rust_version=\"…\" (one expected)", None))
    found += [("scripts/deploy.sh rust_version", v) for v in checks]
    for doc in ("docs/deploying.md", "README.md"):
        for line, text in enumerate((ROOT / doc).read_text().splitlines(), 1):
            found += [(f"{doc}:{line} 'Rust {v}'", v) for v in re.findall(r"\bRust (\d+\.\d+(?:\.\d+)?)", text)]
    if not any(where.startswith("docs/deploying.md") for where, _ in found):
        found.append(("docs/deploying.md states no 'Rust <version>'", None))
    return found


def python_statements():
    """(where, version) for every statement of the Python version, deploy.sh's first."""
    found = []
    for script in ("scripts/deploy.sh", "scripts/package.sh"):
        checks = re.findall(r'^python_version="([^"]*)"', (ROOT / script).read_text(), re.M)
        if len(checks) != 1:
            found.append((f"{script} has {len(checks)} lines python_version=\"…\" (one expected)", None))
        found += [(f"{script} python_version", v) for v in checks]
    for doc in ("docs/deploying.md", "README.md"):
        for line, text in enumerate((ROOT / doc).read_text().splitlines(), 1):
            found += [(f"{doc}:{line} 'Python {v}'", v) for v in re.findall(r"\bPython (\d+\.\d+)", text)]
    if not any(where.startswith("docs/deploying.md") for where, _ in found):
        found.append(("docs/deploying.md states no 'Python <version> or later'", None))
    return found


def main():
    version, crates = needed()
    problems = [f"{where}{'' if stated is None else f' says {stated}'}, but Cargo.lock needs Rust {version} ({', '.join(crates[:3])}"
                f"{' …' if len(crates) > 3 else ''} declare rust-version = \"{version}\")"
                for where, stated in statements() if stated != version]
    python = python_statements()
    stated = python[0][1] if python and python[0][0] == "scripts/deploy.sh python_version" else None
    problems += [f"{where}{'' if v is None else f' says {v}'}, but scripts/deploy.sh's python_version is {stated}"
                 for where, v in python if v is None or v != stated]
    for problem in problems:
        print(f"toolchain: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"toolchain: ok (Rust {version}, what Cargo.lock's crates need, stated in Cargo.toml, "
          f"scripts/deploy.sh and the docs; Python {stated} in deploy.sh, package.sh and the docs)")


if __name__ == "__main__":
    main()
