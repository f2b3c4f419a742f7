#!/usr/bin/env python3
"""Builds the functions for Lambda (provided.al2023, arm64), each once per set of inputs.

`sam build` runs the first form through the root Makefile (BuildMethod makefile,
`make build-<LogicalId>`); scripts/package.sh runs `--together` just before it:

    python3 scripts/build-function.py <binary> <artifacts dir>
    python3 scripts/build-function.py --together <binary>...
    python3 scripts/build-function.py --verify <sam build dir> [<dir of runnable copies>]

Each build leaves `<artifacts dir>.build.json` beside the artifact (binary, inputs key, SHA-256 of
the bytes): `--verify` checks the artifacts, and the copies CI's suites run, against it.

The release build (`cargo lambda build --release --arm64 --bin <binary>`, fat LTO) relinks the
whole AWS SDK: minutes per function. Cargo decides freshness by file times, so in a fresh clone it
relinked every function although nothing had changed. This script decides by content: the key is
a SHA-256 of every input of the binary (lib/function_inputs.py) and a binary built before for the same key is
reused from `$CARGO_TARGET_DIR/lambda-cache/<binary>/<key>/` (the binary and its own SHA-256,
checked at each reuse); otherwise it is built into a directory of its own, the key is computed
again (a source edited during the build is not stored under the old key) and the binary stored.
One build per function at a time (a lock file), so concurrent builds neither race nor duplicate.

`--together` (scripts/package.sh, before `sam build`) builds every listed binary that has no build
for its inputs yet in one `cargo lambda build --bin a --bin b ...`, so that cargo compiles the
dependencies once and runs the fat-LTO links side by side (one per core) where SAM's one make call
per function would link them one after another; `sam build` then reuses them all. The bytes do not
depend on which binaries were built together (measured: the same SHA-256 either way): cargo-lambda
passes `--bin` without `-p`, so in either mode cargo resolves features for every workspace member
(function_inputs.py keys every member's Cargo.toml for that reason), and each binary's rustc
invocation is the same. cargo-lambda reads its own settings in Cargo.toml
(`[package.metadata.lambda]`, `[workspace.metadata.lambda]`) only when one `--bin` is built, so
while any exist each binary is built alone. Five fat-LTO links side by side need memory (about
1.5 GiB each here): `CARGO_BUILD_JOBS` caps them and is not part of the key.

Python 3.9 or later (macOS's own python3), standard library only.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from function_inputs import ROOT, BuildError, inputs_key, run  # noqa: E402

CARGO_LAMBDA = ["cargo", "lambda", "build", "--release", "--arm64", "--locked", "--output-format", "binary"]
KEPT_PER_FUNCTION = 3  # older cache entries of a function are removed


def target_dir():
    default = Path.home() / ".cache" / "ecs-debug-toolkit" / "target"
    return Path(os.environ.get("CARGO_TARGET_DIR") or default).absolute()


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached_binary(entry):
    """The entry's binary when whole (its recorded SHA-256 matches), else None."""
    binary, recorded = entry / "bootstrap", entry / "bootstrap.sha256"
    if binary.is_file() and recorded.is_file() and recorded.read_text().strip() == sha256_of(binary):
        return binary
    return None


def lambda_settings():
    """Who has cargo-lambda settings in Cargo.toml (cargo-lambda reads them for one `--bin` only)."""
    metadata = json.loads(run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"]))
    found = [p["name"] for p in metadata["packages"] if (p.get("metadata") or {}).get("lambda")]
    return found + (["the workspace"] if (metadata.get("metadata") or {}).get("lambda") else [])


def build(keys, target):
    """Builds the binaries (name → inputs key) in one cargo invocation (each alone while cargo-lambda
    settings exist) and stores each under its key; then names any whose inputs changed meanwhile."""
    names = sorted(keys)
    groups = [[name] for name in names] if len(names) > 1 and lambda_settings() else [names]
    changed = []
    for group in groups:
        changed += build_group(group, keys, target)
    if changed:
        raise BuildError(f"inputs changed during the build of {', '.join(changed)}: not stored; build again")


def build_group(names, keys, target):
    lambda_dir = Path(tempfile.mkdtemp(prefix="build-", dir=target))  # empty: what appears is new
    try:
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        bins = [arg for name in names for arg in ("--bin", name)]
        subprocess.run(CARGO_LAMBDA + ["--lambda-dir", str(lambda_dir)] + bins,
                       cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=True)
        changed = []
        for name in names:
            built = lambda_dir / name / "bootstrap"
            if not built.is_file():
                raise BuildError(f"cargo lambda wrote no {built}")
            if inputs_key(name) != keys[name]:
                changed.append(name)
                continue
            entry = target / "lambda-cache" / name / keys[name]
            entry.mkdir(parents=True, exist_ok=True)
            (entry / "bootstrap.sha256").write_text(sha256_of(built) + "\n")
            os.replace(built, entry / "bootstrap")  # same file system: whole or absent
            prune(entry.parent)
        return changed
    finally:
        shutil.rmtree(lambda_dir, ignore_errors=True)


@contextlib.contextmanager
def locked(target, binaries):
    """Holds each binary's lock (in one order, so two callers cannot wait on each other)."""
    cache = target / "lambda-cache"
    with contextlib.ExitStack() as stack:
        for binary in sorted(set(binaries)):
            (cache / binary).mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context(open(cache / f"{binary}.lock", "w"))
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def missing(target, keys):
    """Of the binaries (name → inputs key), those with no whole build for their inputs in the cache."""
    rebuild = os.environ.get("BUILD_FUNCTION_REBUILD") == "1"
    return {b: k for b, k in keys.items() if rebuild or not cached_binary(target / "lambda-cache" / b / k)}


def prune(function_cache):
    entries = sorted((p for p in function_cache.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEPT_PER_FUNCTION]:
        shutil.rmtree(old, ignore_errors=True)


def verify(build_dir, runnable_dir=None):
    """Each artifact of a sam build (and its runnable link, if given) is the bytes it was built as."""
    records = sorted(Path(build_dir).glob("*.build.json"))
    if not records:
        sys.exit(f"build-function.py: no build records in {build_dir}")
    for record_path in records:
        record = json.loads(record_path.read_text())
        copies = [record_path.parent / record_path.name[:-len(".build.json")] / "bootstrap"]
        if runnable_dir:
            copies.append(Path(runnable_dir) / record["binary"])
        for copy in copies:
            if not copy.is_file() or sha256_of(copy) != record["sha256"]:
                sys.exit(f"build-function.py: {copy} is not what was built for {record['binary']} "
                         f"(inputs {record['inputs'][:12]}, sha256 {record['sha256'][:12]})")
        print(f"{record['binary']}: sha256 {record['sha256'][:12]}, inputs {record['inputs'][:12]}")


def check_tools():
    for tool in ("cargo", "cargo-lambda"):
        if shutil.which(tool) is None:
            sys.exit(f"build-function.py: needs {tool} on PATH (scripts/package.sh installs cargo-lambda; "
                     "sam build --use-container has neither: build without it)")


def build_together(binaries):
    target = target_dir()
    try:
        with locked(target, binaries):
            keys = {binary: inputs_key(binary) for binary in binaries}
            new = missing(target, keys)
            together = f"new, built together with {len(new) - 1} other(s)" if len(new) > 1 else "new, built"
            for binary, key in keys.items():
                print(f"{binary}: inputs {key[:12]} {together if binary in new else 'built before'}", flush=True)
            if new:
                build(new, target)
    except subprocess.CalledProcessError as error:
        sys.exit(f"build-function.py: cargo lambda build failed (exit {error.returncode}) for "
                 f"{', '.join(sorted(new))}: cargo's errors are above")
    except BuildError as error:
        sys.exit(f"build-function.py: {error}")


def build_one(binary, artifacts):
    target = target_dir()
    try:
        with locked(target, [binary]):
            key = inputs_key(binary)
            entry = target / "lambda-cache" / binary / key
            new = missing(target, {binary: key})
            if new:
                print(f"{binary}: inputs {key[:12]} new, building", flush=True)
                build(new, target)
            else:
                print(f"{binary}: inputs {key[:12]} built before, reused", flush=True)
                os.utime(entry)  # most recently used: kept by prune()
            shipped = cached_binary(entry)
            if shipped is None:
                raise BuildError(f"{entry} is not whole after the build")
            artifacts.mkdir(parents=True, exist_ok=True)
            shutil.copy2(shipped, artifacts / "bootstrap")
            # Beside the artifact's directory, not in it (SAM zips that directory whole).
            record = {"binary": binary, "inputs": key, "sha256": sha256_of(artifacts / "bootstrap")}
            (artifacts.parent / f"{artifacts.name}.build.json").write_text(json.dumps(record) + "\n")
    except (BuildError, subprocess.CalledProcessError) as error:
        sys.exit(f"build-function.py: {binary}: {error}")


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--verify":
        return verify(*sys.argv[2:])
    if sys.argv[1:2] == ["--together"]:
        if len(sys.argv) < 3:
            sys.exit("usage: build-function.py --together <binary>... (no binary was named)")
        check_tools()
        return build_together(sys.argv[2:])
    if len(sys.argv) != 3 or not sys.argv[2]:
        sys.exit("usage: build-function.py <binary> <artifacts dir> (sam build gives ARTIFACTS_DIR)")
    check_tools()
    return build_one(sys.argv[1], Path(sys.argv[2]))


if __name__ == "__main__":
    main()
