#!/usr/bin/env python3
"""Builds one function for Lambda (provided.al2023, arm64), once per set of inputs.

`sam build` runs it through the root Makefile (BuildMethod makefile, `make build-<LogicalId>`):

    python3 scripts/build-function.py <binary> <artifacts dir>
    python3 scripts/build-function.py --verify <sam build dir> [<dir of runnable copies>]

Each build leaves `<artifacts dir>.build.json` beside the artifact (binary, inputs key, SHA-256 of
the bytes): `--verify` checks the artifacts, and the copies CI's suites run, against it.

The release build (`cargo lambda build --release --arm64 --bin <binary>`, fat LTO) relinks the
whole AWS SDK: minutes per function. Cargo decides freshness by file times, so in a fresh clone it
relinked every function although nothing had changed. This script decides by content: the key is
a SHA-256 of every input of the binary (inputs.py) and a binary built before for the same key is
reused from `$CARGO_TARGET_DIR/lambda-cache/<binary>/<key>/` (the binary and its own SHA-256,
checked at each reuse); otherwise it is built into a directory of its own, the key is computed
again (a source edited during the build is not stored under the old key) and the binary stored.
One build per function at a time (a lock file), so concurrent builds neither race nor duplicate.

Python 3.9 or later (macOS's own python3), standard library only.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from function_inputs import ROOT, BuildError, inputs_key  # noqa: E402

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


def build(binary, target, key):
    """Builds into a directory of its own and stores the result under `key`."""
    lambda_dir = Path(tempfile.mkdtemp(prefix=f"{binary}-", dir=target))
    try:
        started = time.time()
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        subprocess.run(CARGO_LAMBDA + ["--lambda-dir", str(lambda_dir), "--bin", binary],
                       cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=True)
        built = lambda_dir / binary / "bootstrap"
        if not built.is_file() or built.stat().st_mtime < started - 1:
            raise BuildError(f"cargo lambda wrote no new {built}")
        if inputs_key(binary) != key:
            raise BuildError(f"{binary}'s inputs changed during its build: not stored; build again")
        entry = target / "lambda-cache" / binary / key
        entry.mkdir(parents=True, exist_ok=True)
        (entry / "bootstrap.sha256").write_text(sha256_of(built) + "\n")
        os.replace(built, entry / "bootstrap")  # same file system: whole or absent
    finally:
        shutil.rmtree(lambda_dir, ignore_errors=True)


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


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--verify":
        return verify(*sys.argv[2:])
    if len(sys.argv) != 3 or not sys.argv[2]:
        sys.exit("usage: build-function.py <binary> <artifacts dir> (sam build gives ARTIFACTS_DIR)")
    binary, artifacts = sys.argv[1], Path(sys.argv[2])
    for tool in ("cargo", "cargo-lambda"):
        if shutil.which(tool) is None:
            sys.exit(f"build-function.py: needs {tool} on PATH (scripts/package.sh installs cargo-lambda; "
                     "sam build --use-container has neither: build without it)")
    target = target_dir()
    function_cache = target / "lambda-cache" / binary
    function_cache.mkdir(parents=True, exist_ok=True)
    try:
        with open(target / "lambda-cache" / f"{binary}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            key = inputs_key(binary)
            entry = function_cache / key
            if cached_binary(entry) and os.environ.get("BUILD_FUNCTION_REBUILD") != "1":
                print(f"{binary}: inputs {key[:12]} built before, reused", flush=True)
                os.utime(entry)  # most recently used: kept by prune()
            else:
                print(f"{binary}: inputs {key[:12]} new, building", flush=True)
                build(binary, target, key)
                prune(function_cache)
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


if __name__ == "__main__":
    main()
