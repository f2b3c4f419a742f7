#!/usr/bin/env bash
# Builds every function for Lambda (provided.al2023, arm64) the way a deployment does: `sam build`
# on infra/template.yaml (BuildMethod makefile: the Makefile runs scripts/build-function.py, which
# builds with `cargo lambda build --release --arm64`, zig for the cross-link, and reuses a binary
# built before from the same inputs: a fresh clone does not relink what did not change), into
# $CARGO_TARGET_DIR; the functions with no build for their inputs are built just before, together in
# one cargo invocation (`build-function.py --together`), so that sam build reuses them all; each artifact's record (`<LogicalId>.build.json`: inputs, SHA-256) beside it
# is checked. Then zips each artifact as `$CARGO_TARGET_DIR/lambda/<function>/bootstrap.zip`,
# checks what is inside (one `bootstrap`, an aarch64 ELF executable) and prints sizes. Each artifact is also linked (a hard
# link: the same file) as `$CARGO_TARGET_DIR/lambda-arm64/<function>`, which CI's end-to-end suites
# run.
# Installs what it needs when missing: aws-sam-cli 1.170.0 and cargo-lambda (zig comes with it) in a
# venv of their own under ~/.cache/ecs-debug-toolkit (as .ci/run keeps it; a SAM installed
# elsewhere is not used: this one is pinned, and its Python reads the template below), and the
# aarch64 Rust target. Needs python3 3.10 or later with venv (Debian: apt-get install python3-venv)
# and make.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
export SAM_CLI_TELEMETRY=0
mkdir -p "$CARGO_TARGET_DIR"

# What aws-sam-cli 1.170.0 needs (macOS's /usr/bin/python3 is 3.9); scripts/deploy.sh states the
# same, and tests/templates/check_toolchain.py keeps the two and the docs equal.
python_version="3.10"
sam_version="1.170.0"
python3 -c "import sys; sys.exit(sys.version_info < tuple(int(p) for p in '$python_version'.split('.')))" || {
  echo "package.sh: needs Python $python_version or later (the AWS SAM CLI $sam_version does); python3 is" \
    "$(python3 --version 2>&1). On a Mac: brew install python@3.12, then" \
    "export PATH=\"\$(brew --prefix python@3.12)/libexec/bin:\$PATH\" (its python3)" >&2
  exit 1
}
sam_venv="$HOME/.cache/ecs-debug-toolkit/sam-venv"
# A venv of an older release (another SAM, or made by an older Python) is made again.
if [ "$("$sam_venv/bin/sam" --version 2>/dev/null || true)" != "SAM CLI, version $sam_version" ]; then
  python3 -m venv --clear "$sam_venv"
  "$sam_venv/bin/pip" install --quiet --disable-pip-version-check "aws-sam-cli==$sam_version"
fi
export PATH="$sam_venv/bin:$PATH"
command -v cargo-lambda >/dev/null \
  || "$sam_venv/bin/pip" install --quiet --disable-pip-version-check "cargo-lambda==1.9.2"
rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu \
  || rustup target add aarch64-unknown-linux-gnu

build_dir="$CARGO_TARGET_DIR/sam-build"
start=$SECONDS
command -v make >/dev/null || {
  echo "package.sh: needs make (sam build runs the Makefile). Debian/Ubuntu: apt-get install make;" \
    "macOS: xcode-select --install" >&2
  exit 1
}
# The functions that have no build for their inputs yet are built first in one cargo invocation, so
# their links run side by side (cold: about half the time of one after another); sam build's make
# calls then reuse them (BUILD_FUNCTION_REBUILD=1 rebuilds in the first step only). The template's
# BuildProperties.Binary names them, read by SAM's own template parser.
functions=$("$sam_venv/bin/python" -c '
import sys
from samcli.yamlhelper import yaml_parse
resources = yaml_parse(open(sys.argv[1]).read())["Resources"]
print(" ".join(r["Metadata"]["BuildProperties"]["Binary"] for r in resources.values()
               if r["Type"] == "AWS::Serverless::Function"))' infra/template.yaml)
[ -n "$functions" ] || { echo "package.sh: infra/template.yaml names no function to build" >&2; exit 1; }
together_log="$CARGO_TARGET_DIR/build-together.log"
# shellcheck disable=SC2086 # one word per binary
if ! python3 scripts/build-function.py --together $functions >"$together_log" 2>&1; then
  # cargo's first errors (it finishes the links under way before it stops), then the end.
  grep -n -m 5 -A 15 '^error' "$together_log" || true
  tail -n 20 "$together_log"
  exit 1
fi
grep -E '^[a-z-]+: inputs [0-9a-f]{12} ' "$together_log" || true
echo "build of the functions not built before: $(( SECONDS - start )) s"
BUILD_FUNCTION_REBUILD='' sam build --build-in-source --template infra/template.yaml --build-dir "$build_dir" \
  --cache-dir "$CARGO_TARGET_DIR/sam-cache" >"$CARGO_TARGET_DIR/sam-build.log" 2>&1 \
  || { tail -n 60 "$CARGO_TARGET_DIR/sam-build.log"; exit 1; }
echo "sam build: $(( SECONDS - start )) s in all"
# sam build's make calls find every binary built above; one built there was missed above.
if grep -E '^[a-z-]+: inputs [0-9a-f]{12} new' "$CARGO_TARGET_DIR/sam-build.log"; then
  echo "package.sh: sam build built the functions above itself (one after another): not named by --together"
fi
python3 scripts/build-function.py --verify "$build_dir"

# The template's own parser (SAM's Python, which reads !Ref and friends) maps logical ids to binaries.
"$sam_venv/bin/python" - "$build_dir" "$CARGO_TARGET_DIR" infra/template.yaml <<'PY'
import os, sys, zipfile
from samcli.yamlhelper import yaml_parse
build_dir, target_dir, template = sys.argv[1:]
resources = yaml_parse(open(template).read())["Resources"]
functions = [(logical_id, r["Metadata"]["BuildProperties"]["Binary"])
             for logical_id, r in resources.items() if r["Type"] == "AWS::Serverless::Function"]
assert len(functions) == 5, f"expected five functions in {template}, found {functions}"
# The Makefile's targets name the same binaries (one place each, kept in step here).
makefile = open("Makefile").read()
for logical_id, name in functions:
    assert f"build-{logical_id}:\n\t$(call build,{name})\n" in makefile, \
        f"Makefile has no build-{logical_id} target building {name}"
print(f"{'function':<18}{'zip (MiB)':>10}{'bootstrap (MiB)':>17}")
for logical_id, name in functions:
    artifact = os.path.join(build_dir, logical_id, "bootstrap")
    with open(artifact, "rb") as f:
        head = f.read(20)
    # ELF magic, 64-bit, and e_machine 183 (EM_AARCH64) at offset 18, little-endian.
    assert head[:4] == b"\x7fELF" and head[4] == 2 and int.from_bytes(head[18:20], "little") == 183, \
        f"{artifact} is not an aarch64 ELF"
    assert os.stat(artifact).st_mode & 0o111, f"{artifact} is not executable"
    # The very file that ships, under its function's name: what CI's end-to-end suites run.
    link = os.path.join(target_dir, "lambda-arm64", name)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.lexists(link):
        os.remove(link)
    os.link(artifact, link)
    out = os.path.join(target_dir, "lambda", name, "bootstrap.zip")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 << 16)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w") as z, open(artifact, "rb") as f:
        z.writestr(info, f.read(), compresslevel=9)
    with zipfile.ZipFile(out) as z:
        assert [e.filename for e in z.infolist()] == ["bootstrap"], out
    print(f"{name:<18}{os.path.getsize(out) / 2**20:>10.2f}{os.path.getsize(artifact) / 2**20:>17.2f}")
PY
