"""What a function's release binary is built from: the key of scripts/build-function.py's cache.

The SHA-256 of, each by its name:
- every file git tracks (or, outside git, every file) of the function's package and of the
  workspace packages it depends on by path, as `cargo metadata` lists them;
- every workspace member's Cargo.toml (cargo-lambda builds `--bin <binary>` without `-p`, so the
  features the whole workspace asks for are unified into every binary), the workspace's
  Cargo.toml and Cargo.lock, and every Cargo configuration file cargo reads from the repository
  (`.cargo/config.toml` here and in each parent directory, `$CARGO_HOME/config.toml`);
- the toolchain: `$RUSTC -vV` (rustc by default), `cargo -V`, cargo-lambda's version, zig's;
- the environment that changes a build: RUSTFLAGS, RUSTC wrappers, CARGO_PROFILE_RELEASE_*,
  CARGO_BUILD_* (but the number of jobs), CARGO_TARGET_*, CARGO_LAMBDA_*, CARGO_ZIGBUILD_*,
  C compiler settings (CC, CFLAGS, TARGET_*, AWS_LC_SYS_*: aws-lc-sys and ring compile C);
- the build command and the build scripts themselves.
"""

import hashlib
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPTS = (Path(__file__).resolve(), ROOT / "scripts" / "build-function.py")
ENV_PREFIXES = ("RUSTFLAGS", "RUSTC", "CARGO_ENCODED_RUSTFLAGS", "CARGO_PROFILE_RELEASE_", "CARGO_BUILD_",
                "CARGO_TARGET_", "CARGO_LAMBDA_", "CARGO_ZIGBUILD_", "CARGO_UNSTABLE_", "CC", "CXX",
                "CFLAGS", "CXXFLAGS", "TARGET_", "AWS_LC_SYS_", "ZIG")
ENV_IGNORED = ("CARGO_BUILD_JOBS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR")


class BuildError(Exception):
    pass


def run(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise BuildError(f"{' '.join(command)} failed: {result.stderr.strip()[-400:]}")
    return result.stdout


def workspace_packages():
    metadata = json.loads(run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"]))
    return {p["name"]: p for p in metadata["packages"]}


def package_dirs(binary, packages):
    """The function's package and every workspace package it depends on (by path)."""
    if binary not in packages:
        raise BuildError(f"no package named {binary} in the workspace")
    seen, todo = {}, [binary]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"{name} is a path dependency outside the workspace: add it to the key")
        seen[name] = Path(packages[name]["manifest_path"]).parent
        # Only path dependencies are the workspace's own; the others are pinned by Cargo.lock.
        todo += [d["name"] for d in packages[name]["dependencies"] if d.get("path") and d["kind"] != "dev"]
    return sorted(seen.values())


def package_files(directory):
    relative = directory.relative_to(ROOT)
    try:
        listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", str(relative)])
        files = [ROOT / name for name in listed.split("\0") if name]
    except (BuildError, OSError):  # not a git checkout (a release tarball)
        files = [p for p in directory.rglob("*") if "target" not in p.relative_to(directory).parts[:1]]
    return sorted(p for p in files if p.is_file())


def cargo_configs():
    """The configuration files cargo reads when run from the repository's root."""
    found = []
    for directory in (ROOT, *ROOT.parents):
        found += [directory / ".cargo" / name for name in ("config", "config.toml")]
    cargo_home = Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo")
    found += [cargo_home / "config", cargo_home / "config.toml"]
    return [p for p in found if p.is_file()]


def inputs_key(binary):
    digest = hashlib.sha256()

    def add(label, data):
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    packages = workspace_packages()
    for path in [ROOT / "Cargo.toml", ROOT / "Cargo.lock"] + sorted(
            Path(p["manifest_path"]) for p in packages.values()):
        add(str(path.relative_to(ROOT)), path.read_bytes())
    for path in cargo_configs():  # by content, in cargo's order of precedence
        add("cargo-config", path.read_bytes())
    for directory in package_dirs(binary, packages):
        for path in package_files(directory):
            add(str(path.relative_to(ROOT)), path.read_bytes())
    add("rustc", run([os.environ.get("RUSTC", "rustc"), "-vV"]).encode())
    add("cargo", run(["cargo", "-V"]).encode())
    add("cargo-lambda", run(["cargo", "lambda", "--version"]).encode())
    add("zig", json.loads(run(["cargo", "lambda", "system", "-o", "json"]))["zig"]["version"].encode())
    settings = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES) and k not in ENV_IGNORED}
    add("settings", json.dumps(settings, sort_keys=True).encode())
    for script in SCRIPTS:
        add(script.name, script.read_bytes())
    return digest.hexdigest()
