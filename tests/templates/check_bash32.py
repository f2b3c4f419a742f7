#!/usr/bin/env python3
"""The scripts under macOS's /bin/bash 3.2 (tests/templates/run.sh).

Bash before 4.4 stops with "unbound variable" when a script under `set -u` expands an empty array
(`"${args[@]}"`); bash 4.4 and later expand it to nothing, so Linux never shows it. Over
scripts/*.sh, .ci/* and tests/**/*.sh, this finds:
- each array that can be empty (assigned `x=()`, `local x=()`, or only expansions such as
  `x=("$@")` or `x=($(…))`) and expanded as `${x[@]}` / `${x[*]}` in a script under `set -u`,
  unless the expansion is guarded: `${x[@]+"${x[@]}"}`, or inside `if [ "${#x[@]}" -gt 0 ]; then
  … fi` (or after `[ "${#x[@]}" -gt 0 ] &&` on the same line);
- bash 4 features (associative arrays, `mapfile`/`readarray`, `${x,,}`/`${x^^}`, `&>>`, `|&`,
  negative array indices, `declare -n`, `${x@Q}`, `;&`/`;;&`, `[[ -v`, `wait -n`, `coproc`),
  except in the scripts listed in LINUX_ONLY, which cannot run on a Mac at all.
Exit 1 naming file and line of each.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Scripts that need Linux itself (root, apt-get, mmdebstrap, namespaces): Debian's bash runs them.
# They are still checked for unguarded empty arrays.
LINUX_ONLY = {
    "scripts/build-image.sh": "root, mmdebstrap and apt-get (Debian or Ubuntu; Docker on a Mac)",
    ".ci/image": "CI on Debian: build-image.sh and the image tests",
    "tests/image/test-image.sh": "root, chroot and namespaces into the image",
    "tests/templates/test-app-config.sh": "a Linux mount namespace (unshare) and nginx",
}

BASH4 = [
    (r"\b(?:declare|local|typeset|readonly)\s+-[a-zA-Z]*A", "an associative array (bash 4)"),
    (r"\b(?:declare|local|typeset)\s+-[a-zA-Z]*n\b", "a name reference (bash 4.3)"),
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
    (r"\bshopt\s+-s\s+(?:globstar|lastpipe|autocd)", "a bash 4 shopt"),
    (r"\$\{?(?:EPOCHSECONDS|EPOCHREALTIME|BASHPID)\b", "a bash 4/5 variable"),
]

ASSIGN = re.compile(r"(?:^|[\s;(])(?:(?:local|declare|typeset)(?:\s+-[a-zA-Z]+)*\s+(?:[A-Za-z_]\w*(?:=\S*)?\s+)*)?"
                    r"([A-Za-z_]\w*)=\(([^)]*)\)")


def scripts():
    paths = sorted(ROOT.glob("scripts/*.sh")) + sorted(p for p in (ROOT / ".ci").iterdir() if p.is_file())
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


def check(path, problems):
    rel = str(path.relative_to(ROOT))
    lines = [code(line) for line in path.read_text().splitlines()]
    text = "\n".join(lines)
    nounset = re.search(r"^\s*set\s+(?:-[a-zA-Z]*u|.*-o\s+nounset)", text, re.M)
    empty = set()
    for line in lines:
        for name, contents in ASSIGN.findall(line):
            if may_be_empty(contents):
                empty.add(name)
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
