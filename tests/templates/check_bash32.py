#!/usr/bin/env python3
"""The scripts under macOS's /bin/bash 3.2 (tests/templates/run.sh).

Bash before 4.4 stops with "unbound variable" when a script under `set -u` expands an empty array
(`"${args[@]}"`); bash 4.4 and later expand it to nothing, so Linux never shows it. Over
scripts/*.sh, scripts/lib/*.sh, .ci/* and tests/**/*.sh, this finds:
- each array that can be empty (assigned `x=()`, `local x=()`, or only expansions such as
  `x=("$@")` or `x=($(…))`, also over several lines; built only with `x+=(…)`; read with
  `read -a x`; declared `local -a x` / `declare -a x` without a value) and expanded as `${x[@]}` / `${x[*]}` in a script under `set -u`,
  unless the expansion is guarded: `${x[@]+"${x[@]}"}`, or inside `if [ "${#x[@]}" -gt 0 ]; then
  … fi` (or after `[ "${#x[@]}" -gt 0 ] &&` on the same line);
- bash 4 features (associative arrays, `mapfile`/`readarray`, `${x,,}`/`${x^^}`, `&>>`, `|&`,
  negative array indices, `declare -n`, `${x@Q}`, `;&`/`;;&`, `[[ -v`, `[ -v`/`test -v`,
  `wait -n`, `coproc`, `exec {fd}>`, `declare -g`/`-l`/`-u`, `printf '%(…)T'`, `local -`,
  `shopt -s inherit_errexit`),
  except in the scripts listed in LINUX_ONLY, which cannot run on a Mac at all.
Exit 1 naming file and line of each. tests/templates/test_check_bash32.py tries it on small samples.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Scripts that need Linux itself (root, apt-get, mmdebstrap, namespaces): Debian's bash runs them.
# They are still checked for unguarded empty arrays.
LINUX_ONLY = {
    "scripts/build-image.sh": "root, mmdebstrap and apt-get (Debian or Ubuntu; Docker on a Mac)",
    "scripts/lib/image-manifest.sh": "sourced by build-image.sh only",
    ".ci/image": "CI on Debian: build-image.sh and the image tests",
    "tests/image/test-image.sh": "root, chroot and namespaces into the image",
    "tests/templates/test-app-config.sh": "a Linux mount namespace (unshare) and nginx",
}

BASH4 = [
    (r"\b(?:declare|local|typeset|readonly)\s+-[a-zA-Z]*A", "an associative array (bash 4)"),
    (r"\b(?:declare|local|typeset)\s+-[a-zA-Z]*n\b", "a name reference (bash 4.3)"),
    (r"\b(?:declare|local|typeset|readonly)\s+-[a-zA-Z]*g", "declare -g (bash 4.2)"),
    (r"\b(?:declare|local|typeset|readonly)\s+-[a-zA-Z]*[lu]", "declare -l / -u, case conversion (bash 4)"),
    (r"(?<![$\w])\{[A-Za-z_]\w*\}(?:[<>]|&>)", "a file descriptor in a variable, exec {fd}> (bash 4.1)"),
    (r"(?<!\[)\[\s+-v\s|\btest\s+-v\s", "[ -v / test -v (bash 4.2)"),
    (r"%(?:-?\d*)\([^)]*\)T", "printf '%(…)T' (bash 4.2)"),
    (r"\blocal\s+-\s*(?:$|[;&|])", "local - (bash 4.4)"),
    (r"(?:^|[;&|(\s])(?:mapfile|readarray)\b", "mapfile/readarray (bash 4)"),
    (r"\$\{[#!]?[A-Za-z_]\w*(?:\[[^]]*\])?(?:,,?|\^\^?)[^}]*\}", "case conversion ${x,,} / ${x^^} (bash 4)"),
    (r"&>>", "&>> (bash 4)"),
    (r"\|&", "|& (bash 4)"),
    (r"\$\{[A-Za-z_]\w*\[-\d+\]\}", "a negative array index (bash 4.3)"),
    (r"\$\{[A-Za-z_]\w*(?:\[[^]]*\])?@[QEPAaKkUuL]\}", "a ${x@…} transformation (bash 4.4)"),
    (r";;&|[^;];&\s*$", "case fall-through ;& / ;;& (bash 4)"),
    (r"\[\[\s+-v\s", "[[ -v (bash 4.2)"),
    (r"\bwait\s+-n\b", "wait -n (bash 4.3)"),
    (r"\bcoproc\b", "coproc (bash 4)"),
    (r"\bshopt\s+-s\s+(?:[\w\s]*\s)?(?:globstar|lastpipe|autocd|inherit_errexit|direxpand|checkjobs|"
     r"dirspell|globasciiranges|localvar_inherit|localvar_unset|assoc_expand_once|compat\d+)\b", "a bash 4/5 shopt"),
    (r"\$\{?(?:EPOCHSECONDS|EPOCHREALTIME|BASHPID)\b", "a bash 4/5 variable"),
]

ASSIGN = re.compile(r"(?:^|[\s;(])(?:(?:local|declare|typeset)(?:\s+-[a-zA-Z]+)*\s+(?:[A-Za-z_]\w*(?:=\S*)?\s+)*)?"
                    r"([A-Za-z_]\w*)=\(([^)]*)\)")


def scripts():
    paths = sorted(ROOT.glob("scripts/*.sh")) + sorted(ROOT.glob("scripts/lib/*.sh")) + sorted(p for p in (ROOT / ".ci").iterdir() if p.is_file())
    paths += sorted(p for p in ROOT.glob("tests/**/*.sh") if "node_modules" not in p.parts)
    return [p for p in paths if p.read_text(errors="replace").startswith("#!") and "bash" in p.read_text().split("\n", 1)[0]]


def code(line):
    """The line without its comment (a # at the start or after a blank, outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;"):
            return line[:i]
    return line


def may_be_empty(contents):
    words = contents.split()
    return not words or all(w.lstrip('"').startswith("$") for w in words)


APPEND = re.compile(r"(?:^|[\s;(])([A-Za-z_]\w*)\+=\(")
OPEN = re.compile(r"(?:^|[\s;(])(?:(?:local|declare|typeset)(?:\s+-[a-zA-Z]+)*\s+)?([A-Za-z_]\w*)=\(([^)]*)$")
READ_A = re.compile(r"\bread\b(?:\s+-[a-zA-Z]+(?:\s+(?!-)\S+)?)*?\s+-[a-zA-Z]*a\s*([A-Za-z_]\w*)")
DECLARE_A = re.compile(r"\b(?:local|declare|typeset)((?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*a[a-zA-Z]*)((?:\s+[A-Za-z_]\w*(?:=\S*)?)+)")


def arrays_that_may_be_empty(lines):
    """The names of arrays that can be empty (or unset) where they are expanded."""
    empty, filled, appended = set(), set(), set()
    for number, line in enumerate(lines):
        for name, contents in ASSIGN.findall(line):
            (empty if may_be_empty(contents) else filled).add(name)
        opened = OPEN.search(line)
        if opened:  # x=( on one line, its words on the next ones up to the )
            contents = [opened.group(2)]
            for following in lines[number + 1:]:
                contents.append(following.split(")", 1)[0])
                if ")" in following:
                    break
            (empty if may_be_empty(" ".join(contents)) else filled).add(opened.group(1))
        appended.update(APPEND.findall(line))
        empty.update(READ_A.findall(line))
        for flags, names in DECLARE_A.findall(line):
            if "A" not in flags:
                empty.update(word for word in names.split() if "=" not in word)
    # Built only with += (in a loop or an if): unset until the first append.
    empty.update(appended - filled)
    return empty


def check(path, problems):
    rel = str(path.relative_to(ROOT))
    check_text(rel, path.read_text(), problems)


def check_text(rel, source, problems):
    lines = [code(line) for line in source.splitlines()]
    text = "\n".join(lines)
    nounset = re.search(r"^\s*set\s+(?:-[a-zA-Z]*u|.*-o\s+nounset)", text, re.M)
    empty = arrays_that_may_be_empty(lines)
    guarded_blocks = {}  # name -> indentation of the open `if` that tests its length
    for number, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip())
        for name, at in list(guarded_blocks.items()):
            if line.strip().startswith(("fi", "else", "elif")) and indent <= at:
                del guarded_blocks[name]
        if rel not in LINUX_ONLY:
            for pattern, what in BASH4:
                if re.search(pattern, line):
                    problems.append(f"{rel}:{number}: {what}: {line.strip()}")
        if not nounset:
            continue
        for name in empty:
            test = re.compile(r'\[\[?\s+"?\$\{#' + name + r'\[[@*]\]\}"?\s+-(?:(?:gt|ne)\s+0|ge\s+[1-9])\s+\]\]?')
            if re.search(r"\bif\s+" + test.pattern, line) and not re.search(r"\bfi\b", line):
                guarded_blocks[name] = indent
                continue
            if name in guarded_blocks:
                continue
            rest = re.sub(r"\$\{" + name + r"\[[@*]\]:?\+\"?\$\{" + name + r"\[[@*]\]\}\"?\}", "", line)
            match = test.search(rest)
            if match and re.match(r"\s*(?:\]\s*)?(?:&&|;\s*then)", rest[match.end():]):
                rest = rest[:match.start()]
            if re.search(r"\$\{" + name + r"\[[@*]\](?::\d[^}]*)?\}", rest):
                problems.append(f"{rel}:{number}: {name} can be empty (set -u; bash 3.2 stops with "
                                f"'{name}[@]: unbound variable'): write ${{{name}[@]+\"${{{name}[@]}}\"}}: "
                                f"{line.strip()}")


def main():
    problems = []
    paths = scripts()
    for path in paths:
        check(path, problems)
    for problem in problems:
        print(f"bash 3.2: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"bash 3.2: ok ({len(paths)} scripts: no unguarded expansion of an array that can be empty "
          f"under set -u; no bash 4 feature outside {', '.join(sorted(LINUX_ONLY))})")


if __name__ == "__main__":
    main()
