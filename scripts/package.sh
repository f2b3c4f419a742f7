#!/usr/bin/env bash
# Packages every function for Lambda (provided.al2023, arm64) with cargo-lambda, which brings zig
# for the cross-link: `$CARGO_TARGET_DIR/lambda/<function>/bootstrap.zip`. Prints each zip's size
# and checks what is inside (one `bootstrap`, an aarch64 ELF executable).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
functions=(ecs-environment slack-command debug-launcher task-events idle-reaper)

command -v cargo-lambda >/dev/null || python3 -m pip install --quiet --disable-pip-version-check "cargo-lambda==1.9.2"
rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu \
  || rustup target add aarch64-unknown-linux-gnu

lambda_dir="$CARGO_TARGET_DIR/lambda"
cargo lambda build --release --arm64 --output-format zip --locked \
  --workspace --exclude integration-tests --lambda-dir "$lambda_dir"

python3 - "$lambda_dir" "${functions[@]}" <<'PY'
import sys, zipfile, os
lambda_dir, names = sys.argv[1], sys.argv[2:]
print(f"{'function':<18}{'zip (MiB)':>10}{'bootstrap (MiB)':>17}")
for name in names:
    path = os.path.join(lambda_dir, name, "bootstrap.zip")
    with zipfile.ZipFile(path) as z:
        entries = z.infolist()
        assert [e.filename for e in entries] == ["bootstrap"], f"{path}: {[e.filename for e in entries]}"
        head = z.open("bootstrap").read(20)
        # ELF magic, 64-bit, and e_machine 183 (EM_AARCH64) at offset 18, little-endian.
        assert head[:4] == b"\x7fELF" and head[4] == 2 and int.from_bytes(head[18:20], "little") == 183, \
            f"{path}: bootstrap is not an aarch64 ELF"
        assert (entries[0].external_attr >> 16) & 0o111, f"{path}: bootstrap is not executable"
        print(f"{name:<18}{os.path.getsize(path) / 2**20:>10.2f}{entries[0].file_size / 2**20:>17.2f}")
PY
