"""scripts/lib/function_inputs.py's key (the build cache of scripts/build-function.py) on a copy of
the workspace: it changes with what changes a function's binary and only with that, and
build-function.py's --verify refuses an artifact that is not the bytes its build recorded.
Needs cargo (`cargo metadata` reads the copy's manifests) and cargo-lambda."""

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
