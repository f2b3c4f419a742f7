#!/usr/bin/env python3
"""check_bash32.py on small samples (tests/templates/run.sh): what it must find, and what it must let be."""
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_bash32  # noqa: E402  (beside this file)


def problems(body, nounset=True):
    found = []
    check_bash32.check_text("sample.sh", "#!/usr/bin/env bash\n" + ("set -euo pipefail\n" if nounset else "") + body,
                            found)
    return found


class EmptyArrays(unittest.TestCase):
    def assertFlags(self, body):
        self.assertTrue(any("can be empty" in p for p in problems(body)), f"not found in:\n{body}")

    def assertClean(self, body):
        self.assertEqual(problems(body), [], body)

    def test_empty_literal(self):
        self.assertFlags('x=()\necho "${x[@]}"\n')

    def test_built_only_with_append(self):
        self.assertFlags('for a in "$@"; do x+=("$a"); done\necho "${x[@]}"\n')

    def test_read_a(self):
        self.assertFlags('read -r -a x <<<"$line"\necho "${x[@]}"\n')
        self.assertFlags('IFS=, read -ra x <<<"$line"\necho "${x[*]}"\n')

    def test_declared_without_value(self):
        self.assertFlags('f() {\n  local -a x\n  echo "${x[@]}"\n}\n')
        self.assertFlags('declare -a x y\necho "${y[@]}"\n')

    def test_multi_line_assignment(self):
        self.assertFlags('x=(\n  $(ls)\n)\necho "${x[@]}"\n')

    def test_multi_line_with_words_is_not_empty(self):
        self.assertClean('x=(\n  one\n  two\n)\necho "${x[@]}"\n')

    def test_append_after_a_filled_assignment(self):
        self.assertClean('x=(one)\nx+=("$@")\necho "${x[@]}"\n')

    def test_guarded(self):
        self.assertClean('x=()\necho ${x[@]+"${x[@]}"}\n')
        self.assertClean('x+=("$1")\nif [ "${#x[@]}" -gt 0 ]; then\n  echo "${x[@]}"\nfi\n')

    def test_without_nounset(self):
        self.assertEqual(problems('x=()\necho "${x[@]}"\n', nounset=False), [])


class Bash4(unittest.TestCase):
    FEATURES = [
        "exec {fd}>/tmp/log\n",
        "exec {fd}<&0\n",
        "declare -g x=1\n",
        "declare -l lower=A\n",
        "local -u upper\n",
        "typeset -gA map\n",
        "[ -v x ] && echo set\n",
        "if test -v x; then :; fi\n",
        "[[ -v x ]]\n",
        "printf '%(%F)T\\n' -1\n",
        "printf '%-10(%s)T' -1\n",
        "f() { local -; set +e; }\n",
        "shopt -s inherit_errexit\n",
        "shopt -s nullglob globstar\n",
        "mapfile -t x < f\n",
        "declare -A m\n",
        'echo "${x,,}"\n',
        "wait -n\n",
    ]
    CLEAN = [
        'echo "${x}>" >/dev/null\n',
        "echo {a,b}\n",
        "local x=1\n",
        "declare -r x=1\n",
        "declare -a x=(1)\n",
        "[ -n \"$v\" ]\n",
        "printf '%s\\n' x\n",
        "shopt -s nullglob\n",
        "set -\n",
    ]

    def test_found(self):
        for sample in self.FEATURES:
            self.assertTrue(any("bash 4" in p or "bash 5" in p for p in problems(sample)), f"not found: {sample!r}")

    def test_not_found(self):
        for sample in self.CLEAN:
            self.assertEqual(problems(sample), [], sample)


if __name__ == "__main__":
    unittest.main(verbosity=0)
