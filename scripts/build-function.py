#!/usr/bin/env python3
"""Builds one function for Lambda (provided.al2023, arm64), once per set of inputs.

`sam build` runs it through the Makefile (BuildMethod makefile, `make build-<LogicalId>`):

    python3 scripts/build-function.py <binary> <artifacts dir>

The release build (`cargo lambda build --release --arm64 --bin <binary>`, fat LTO) relinks the
whole AWS SDK: minutes per function. Cargo decides freshness by file times, so in a fresh clone it
relinks every function although nothing changed. This script decides by content instead: the key
is a SHA-256 of every input of the binary (the workspace's Cargo.toml and Cargo.lock, every file of
the function's package and of the workspace packages it depends on, as `cargo metadata` lists
them; the toolchain (rustc -vV, cargo-lambda, zig); the RUSTFLAGS/CARGO_* settings that change a
build; this script). A binary built for the same key is reused from
`$CARGO_TARGET_DIR/lambda-cache/<binary>/<key>/bootstrap`; otherwise it is built and stored there.
The key is written beside the artifact (`$CARGO_TARGET_DIR/lambda/<binary>/inputs.sha256`), so the
zips that ship name the inputs they were built from (docs/testing.md, "CI").

Python 3.9 or later (macOS's own python3), standard library only.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARGO_LAMBDA = ["cargo", "lambda", "build", "--release", "--arm64", "--locked"]
KEPT_PER_FUNCTION = 3  # older cache entries of a function are removed
BUILD_SETTINGS = ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "RUSTC", "RUSTC_WRAPPER")


def target_dir():
    default = Path.home() / ".cache" / "ecs-debug-toolkit" / "target"
    return Path(os.environ.get("CARGO_TARGET_DIR") or default)


def package_dirs(binary):
    """The function's package and every workspace package it depends on (by path)."""
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )
    by_name = {p["name"]: p for p in metadata["packages"]}
    if binary not in by_name:
        sys.exit(f"build-function.py: no package named {binary} in the workspace")
    seen, todo = {}, [binary]
    while todo:
        package = by_name[todo.pop()]
        if package["name"] in seen:
            continue
        seen[package["name"]] = Path(package["manifest_path"]).parent
        # Only path dependencies are the workspace's own; the others are pinned by Cargo.lock.
        todo += [d["name"] for d in package["dependencies"] if d.get("path") and d["kind"] != "dev"]
    return sorted(seen.values())


def command_output(command):
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        return f"unavailable: {error}"


def inputs_key(binary):
    digest = hashlib.sha256()

    def add(label, data):
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    for name in ("Cargo.toml", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml",
                 ".cargo/config", ".cargo/config.toml"):
        path = ROOT / name
        if path.is_file():
            add(name, path.read_bytes())
    for directory in package_dirs(binary):
        files = (p for p in directory.rglob("*") if p.is_file())
        for path in sorted(p for p in files if "target" not in p.relative_to(ROOT).parts):
            add(str(path.relative_to(ROOT)), path.read_bytes())
    add("rustc", command_output(["rustc", "-vV"]).encode())
    add("cargo-lambda", command_output(["cargo", "lambda", "--version"]).encode())
    add("zig", command_output(["cargo", "lambda", "system"]).encode())
    settings = {k: v for k, v in os.environ.items()
                if k in BUILD_SETTINGS or k.startswith(("CARGO_PROFILE_", "CARGO_BUILD_"))}
    add("settings", json.dumps(settings, sort_keys=True).encode())
    add("command", " ".join(CARGO_LAMBDA).encode())
    add("script", Path(__file__).read_bytes())
    return digest.hexdigest()


def prune(cache):
    entries = sorted((p for p in cache.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEPT_PER_FUNCTION]:
        shutil.rmtree(old, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: build-function.py <binary> <artifacts dir>")
    binary, artifacts = sys.argv[1], Path(sys.argv[2])
    target = target_dir()
    key = inputs_key(binary)
    cached = target / "lambda-cache" / binary / key / "bootstrap"
    built = target / "lambda" / binary / "bootstrap"
    if cached.is_file():
        print(f"{binary}: inputs {key[:12]} built before, reused", flush=True)
        os.utime(cached.parent)  # most recently used: kept by prune()
    else:
        print(f"{binary}: inputs {key[:12]} new, building", flush=True)
        # The same target dir for cargo as for the cache, whether or not the caller set one.
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        subprocess.run(CARGO_LAMBDA + ["--bin", binary], cwd=ROOT, env=env, check=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        shutil.copy2(built, partial)
        partial.replace(cached)  # whole or absent, even if this is interrupted
        prune(cached.parent.parent)
    built.parent.mkdir(parents=True, exist_ok=True)
    if not built.is_file() or built.read_bytes() != cached.read_bytes():
        shutil.copy2(cached, built)
    (built.parent / "inputs.sha256").write_text(key + "\n")
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy2(cached, artifacts / "bootstrap")


if __name__ == "__main__":
    main()
