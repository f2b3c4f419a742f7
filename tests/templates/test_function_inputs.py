"""scripts/lib/function_inputs.py's key (the build cache of scripts/build-function.py) on a copy of
the workspace: it changes with what changes a function's binary and only with that, and
build-function.py's --verify refuses an artifact that is not the bytes its build recorded, and
--together builds the binaries missing from the cache in one cargo-lambda invocation (a stand-in
`cargo lambda build`, every other cargo command the real one). Needs cargo (`cargo metadata` reads the copy's manifests) and cargo-lambda."""

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns("target", "node_modules", ".git")


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class InputsKey(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp())
        for name in ("Cargo.toml", "Cargo.lock"):
            shutil.copy2(ROOT / name, cls.tmp / name)
        for name in ("shared", "functions", "tests", "scripts"):
            shutil.copytree(ROOT / name, cls.tmp / name, ignore=SKIP)
        cls.inputs = load("function_inputs_copy", cls.tmp / "scripts" / "lib" / "function_inputs.py")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def keys(self):
        return {f: self.inputs.inputs_key(f) for f in ("idle-reaper", "task-events")}

    def edited(self, relative, extra=b"\n// edited\n"):
        """The keys with `relative` edited, then the file as it was."""
        path = self.tmp / relative
        before = path.read_bytes()
        path.write_bytes(before + extra)
        try:
            return self.keys()
        finally:
            path.write_bytes(before)

    def test_the_same_inputs_give_the_same_key(self):
        self.assertEqual(self.keys(), self.keys())

    def test_a_function_source_changes_that_function_only(self):
        before, after = self.keys(), self.edited("functions/idle-reaper/src/main.rs")
        self.assertNotEqual(before["idle-reaper"], after["idle-reaper"])
        self.assertEqual(before["task-events"], after["task-events"])

    def test_shared_changes_every_function(self):
        before, after = self.keys(), self.edited("shared/src/lib.rs")
        self.assertTrue(all(before[f] != after[f] for f in before))

    def test_any_member_manifest_changes_every_function(self):
        # cargo-lambda's --bin without -p unifies the whole workspace's features into each binary.
        before, after = self.keys(), self.edited("tests/Cargo.toml", b"\n# edited\n")
        self.assertTrue(all(before[f] != after[f] for f in before))

    def test_build_settings_count_and_the_number_of_jobs_does_not(self):
        before = self.keys()
        for name, value, changes in (("RUSTFLAGS", "-Copt-level=1", True),
                                     ("CARGO_PROFILE_RELEASE_LTO", "thin", True),
                                     ("CARGO_BUILD_JOBS", "1", False)):
            os.environ[name] = value
            try:
                self.assertEqual(self.keys() != before, changes, name)
            finally:
                del os.environ[name]


FAKE_CARGO = """#!{python}
import os, sys
from pathlib import Path
args = sys.argv[1:]
if args[:2] != ["lambda", "build"]:
    os.execv({cargo!r}, [{cargo!r}] + args)
with open(os.environ["FAKE_CARGO_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if os.environ.get("FAKE_CARGO_FAIL"):
    sys.exit("error[E0425]: cannot find value `x` in this scope")
lambda_dir = Path(args[args.index("--lambda-dir") + 1])
for i, arg in enumerate(args):
    if arg == "--bin":
        (lambda_dir / args[i + 1]).mkdir(parents=True, exist_ok=True)
        (lambda_dir / args[i + 1] / "bootstrap").write_bytes(("built " + args[i + 1]).encode())
"""


class Together(unittest.TestCase):
    """build-function.py --together, then sam build's one make call per function."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        for name in ("Cargo.toml", "Cargo.lock"):
            shutil.copy2(ROOT / name, self.tmp / name)
        for name in ("shared", "functions", "tests", "scripts"):
            shutil.copytree(ROOT / name, self.tmp / name, ignore=SKIP)
        bin_dir = self.tmp / "fake-bin"
        bin_dir.mkdir()
        (bin_dir / "cargo").write_text(FAKE_CARGO.format(python=sys.executable, cargo=shutil.which("cargo")))
        (bin_dir / "cargo").chmod(0o755)
        self.log = self.tmp / "cargo-lambda.log"
        self.log.touch()
        self.env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                        CARGO_TARGET_DIR=str(self.tmp / "target"), FAKE_CARGO_LOG=str(self.log))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_script(self, *args, status=0, **env):
        script = [sys.executable, str(self.tmp / "scripts" / "build-function.py"), *args]
        done = subprocess.run(script, env=self.env | env, capture_output=True, text=True)
        self.assertEqual(done.returncode, status, done.stderr)
        return done.stdout + done.stderr

    def builds(self):
        """Each cargo lambda build so far, as the --bin values it was given."""
        return [sorted(line.split()[i + 1] for i, a in enumerate(line.split()) if a == "--bin")
                for line in self.log.read_text().splitlines()]

    def test_the_missing_ones_are_built_in_one_invocation_and_then_reused(self):
        out = self.run_script("--together", "idle-reaper", "task-events")
        self.assertEqual(self.builds(), [["idle-reaper", "task-events"]])
        self.assertIn("idle-reaper: inputs", out)
        self.assertIn("new, built together with 1 other(s)", out)
        artifacts = self.tmp / "sam-build" / "IdleReaperFunction"
        out = self.run_script("idle-reaper", str(artifacts))
        self.assertIn("built before, reused", out)
        self.assertEqual((artifacts / "bootstrap").read_bytes(), b"built idle-reaper")
        self.run_script("--together", "idle-reaper", "task-events")
        self.assertEqual(len(self.builds()), 1, "nothing is built again for the same inputs")
        source = self.tmp / "functions" / "idle-reaper" / "src" / "main.rs"
        source.write_bytes(source.read_bytes() + b"\n// edited\n")
        out = self.run_script("--together", "idle-reaper", "task-events")
        self.assertEqual(self.builds()[1:], [["idle-reaper"]], "only the function whose inputs changed")
        self.assertIn("task-events: inputs", out)
        self.assertIn("built before", out)

    def test_a_failed_build_stores_nothing_and_says_which(self):
        out = self.run_script("--together", "idle-reaper", "task-events", status=1, FAKE_CARGO_FAIL="1")
        self.assertIn("cargo lambda build failed (exit 1) for idle-reaper, task-events", out)
        self.assertFalse(list((self.tmp / "target" / "lambda-cache").glob("*/*/bootstrap")))
        self.run_script("--together", "idle-reaper", "task-events")
        self.assertEqual(self.builds(), [["idle-reaper", "task-events"]] * 2, "built again, together")

    def test_cargo_lambda_settings_in_a_manifest_build_each_alone(self):
        # cargo-lambda reads [package.metadata.lambda] only when one --bin is built.
        manifest = self.tmp / "functions" / "task-events" / "Cargo.toml"
        manifest.write_text(manifest.read_text() + "\n[package.metadata.lambda.build]\ninclude = []\n")
        self.run_script("--together", "idle-reaper", "task-events")
        self.assertEqual(self.builds(), [["idle-reaper"], ["task-events"]])


class Verify(unittest.TestCase):
    def test_an_artifact_that_is_not_the_recorded_bytes_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            build_dir, runnable = Path(tmp) / "sam-build", Path(tmp) / "lambda-arm64"
            (build_dir / "IdleReaperFunction").mkdir(parents=True)
            runnable.mkdir()
            artifact = build_dir / "IdleReaperFunction" / "bootstrap"
            artifact.write_bytes(b"the built bytes")
            os.link(artifact, runnable / "idle-reaper")
            record = {"binary": "idle-reaper", "inputs": "0" * 64,
                      "sha256": hashlib.sha256(b"the built bytes").hexdigest()}
            (build_dir / "IdleReaperFunction.build.json").write_text(json.dumps(record))
            script = [sys.executable, str(ROOT / "scripts" / "build-function.py"), "--verify"]
            ok = subprocess.run(script + [str(build_dir), str(runnable)], capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            (runnable / "idle-reaper").unlink()
            (runnable / "idle-reaper").write_bytes(b"other bytes")
            bad = subprocess.run(script + [str(build_dir), str(runnable)], capture_output=True, text=True)
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn("is not what was built for idle-reaper", bad.stderr)


if __name__ == "__main__":
    unittest.main()
