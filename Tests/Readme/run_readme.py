#!/usr/bin/env python3
"""Runs every code block of the README, the way a newcomer pastes them (issue 18).

    python3 Tests/Readme/run_readme.py BIN_DIR [--readme README.md] [--timeout 120]
                                       [--skip-postgres] [--swift-only] [--keep-temp]

BIN_DIR is a directory holding the already-built executables (`warden`, `scopes-tutorial`,
`shop-demo`): CI builds the package first (`swift build`) and passes
`"$(swift build --show-bin-path)"`; locally, after a `swift build`, `.build/debug`. Nothing is
built here. Python 3.11, standard library only.

Shell blocks (```sh, ```bash, ```shell)
---------------------------------------
All of them run in README order in ONE `bash` process, so variables, `cd` and background jobs
(`&`, `$!`) carry over from block to block as in a terminal, under `set -euo pipefail`: a failing
command or a variable no earlier block defined fails the run. The working directory is a fresh
temporary directory, TMPDIR another one, and no WARDEN_* variable is inherited. Before each block a
marker names its README line; each block has a time limit (--timeout, 120 s): a hang fails.
At the end, passed or failed, every process the blocks started is stopped (bash runs in a process
group of its own, which is killed; any straggler carrying this run's marker in its environment
is killed too and reported) and the temporary directories are removed.

PATH starts with BIN_DIR, then a `swift` shim standing in for SwiftPM against the built package:
  swift build [--product P] [--show-bin-path]   succeeds if BIN_DIR/P exists (all three products
                                                without --product), else fails with "build it
                                                first"; --show-bin-path prints BIN_DIR
  swift run P ARGS...                           exec BIN_DIR/P ARGS... (exec: `$!` and `kill` reach
                                                the real process)
  anything else (swift test, ...)               fails loudly
PostgreSQL: WARDEN_POSTGRES_URL (a superuser URL; CI exports it, see .ci/run and
.ci/start-postgres.sh) is used to create a fresh database for the run, dropped at the end; its URL
is $README_TEST_POSTGRES_URL inside the blocks. Without WARDEN_POSTGRES_URL the run fails, unless
--skip-postgres, which skips the blocks that need it and says so loudly.

Checked outputs. A command (its `\\` continuation lines joined) whose line ends with a comment is
checked when the comment is
  - a literal JSON object or array:  `curl ... # [{"item_id":"Foo","owner":"johndoe"}]`
    its standard output must be that JSON value, member order included;
  - a 3-digit HTTP status on a `curl -i` command:  `curl -s -i ... # 401 invalid_token ...`
    the (last) status line of its output must carry that status. A status comment on a command
    that does not print its status (curl without -i) is an error.
Any other comment is a description and is not checked. Checked commands must be simple commands
or pipelines on their own line(s), not in the background, no heredocs.

Directives, in HTML comments on the line(s) directly above a block's opening fence:
  <!-- readme-test: skip: REASON -->
      do not run this block; REASON (required) is printed, and should say what shows the block
      works instead.
  <!-- readme-test: replace "OLD" "NEW" -->
      before running, replace every occurrence of OLD in the block with NEW (repeatable, applied
      in order; OLD must occur). Arguments are quoted as in a shell ('...' or "..." with \\").
      NEW may use what the runner defines:
        $README_TEST_POSTGRES_URL     the fresh PostgreSQL database of this run
        readme_test_serve CMD ARGS... starts `CMD ARGS... --port FREE` in the background, waits
                                      until it answers GET /health, prints that answer, stops it
                                      with SIGTERM and requires a clean exit (0); fails if it
                                      exits first or does not answer within 60 s
  <!-- readme-test: compiled in PATH -->       (Swift blocks; PATH relative to the repository)
      the block's `import X` lines must be exactly the plain top-level `import X` lines of PATH
      (as a set; `@testable import` / `public import` lines of the file are not counted), and
      every other non-blank line of the block, whitespace-stripped, must appear among PATH's
      whitespace-stripped lines in the same order. A compiled snippet cannot elide: a line with
      `…` fails. (swift test compiles PATH, so the block compiles.)
  <!-- readme-test: excerpt of PATH -->
      the same in-order check for the block's lines that do not contain `…` (the elisions);
      imports are not compared.
Every Swift block needs one of the last two. Swift checks need no build; --swift-only runs
only them (BIN_DIR may then be omitted). Other blocks (no language, json, ...) are not run.

Ports 8080, 8000 and 8001 (the README's servers) must be free; the run says so if they are not.
Exit status 0 only if every check passed and every shell block ran. A failure names the README
line of the block and of the command, the command, and the last lines of the output.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTS = ["warden", "scopes-tutorial", "scopes-tutorial-vapor", "shop-demo"]
README_PORTS = [8080, 8000, 8001]  # the README's servers listen there: they must be free before the run
SHELL_LANGUAGES = {"sh", "bash", "shell"}
DIRECTIVE = re.compile(r"^\s*<!--\s*readme-test:\s*(.*?)\s*-->\s*$")
ELISION = "…"


UNTESTED: list[int] = []   # README lines of blocks skipped for --skip-postgres


class ReadmeError(Exception):
    """A README that cannot be tested as written (bad directive, unknown fence...)."""


# ---------------------------------------------------------------------------------------------
# The README: blocks and their directives


@dataclass
class Block:
    language: str
    fence_line: int                 # 1-based README line of the opening fence
    lines: list[str]                # the block's lines
    skip: str | None = None
    replacements: list[tuple[str, str]] = field(default_factory=list)
    swift_mode: str | None = None   # "compiled" or "excerpt"
    swift_path: str | None = None

    @property
    def first_line(self) -> int:
        return self.fence_line + 1


def parse_readme(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []   # directives directly above the current line
    i = 0
    while i < len(text):
        line = text[i]
        match = DIRECTIVE.match(line)
        if match:
            pending.append((i + 1, match.group(1)))
            i += 1
            continue
        fence = re.match(r"^ {0,3}(```+)\s*([\w+-]*)", line)
        if fence:
            ticks, language = fence.group(1), fence.group(2).lower()
            start = i
            i += 1
            body: list[str] = []
            while i < len(text) and not re.match(r"^ {0,3}" + ticks + r"\s*$", text[i]):
                body.append(text[i])
                i += 1
            if i >= len(text):
                raise ReadmeError(f"README line {start + 1}: this code block is never closed")
            block = Block(language=language, fence_line=start + 1, lines=body)
            for line_number, directive in pending:
                apply_directive(block, line_number, directive)
            pending = []
            if language == "swift" and block.swift_mode is None:
                raise ReadmeError(
                    f"README line {block.fence_line}: a swift block needs "
                    "<!-- readme-test: compiled in PATH --> or <!-- readme-test: excerpt of PATH --> "
                    "on the line above its fence")
            blocks.append(block)
            i += 1
            continue
        if pending:
            where = ", ".join(str(n) for n, _ in pending)
            raise ReadmeError(f"README line {where}: a readme-test directive must sit directly above a code block's fence")
        i += 1
    if pending:
        raise ReadmeError(f"README line {pending[0][0]}: a readme-test directive after the last code block")
    return blocks


def apply_directive(block: Block, line_number: int, directive: str) -> None:
    where = f"README line {line_number}"
    if directive.startswith("skip"):
        reason = directive[len("skip"):].lstrip()
        if not reason.startswith(":") or not reason[1:].strip():
            raise ReadmeError(f"{where}: `skip` needs a reason: <!-- readme-test: skip: REASON -->")
        block.skip = reason[1:].strip()
    elif directive.startswith("replace"):
        try:
            words = shlex.split(directive[len("replace"):])
        except ValueError as error:
            raise ReadmeError(f"{where}: cannot read the replace arguments ({error})") from None
        if len(words) != 2 or not words[0]:
            raise ReadmeError(f'{where}: replace takes two quoted arguments: replace "OLD" "NEW"')
        block.replacements.append((words[0], words[1]))
    elif match := re.fullmatch(r"(compiled in|excerpt of)\s+(\S+)", directive):
        block.swift_mode = "compiled" if match.group(1) == "compiled in" else "excerpt"
        block.swift_path = match.group(2)
    else:
        raise ReadmeError(f"{where}: unknown readme-test directive {directive!r} "
                          "(skip: REASON | replace \"OLD\" \"NEW\" | compiled in PATH | excerpt of PATH)")
    if block.swift_mode and block.language != "swift":
        raise ReadmeError(f"{where}: `{directive}` is for swift blocks, this one is ```{block.language}")
    if (block.skip or block.replacements) and block.language not in SHELL_LANGUAGES:
        raise ReadmeError(f"{where}: `{directive}` is for shell blocks, this one is ```{block.language}")


# ---------------------------------------------------------------------------------------------
# Swift blocks


IMPORT = re.compile(r"^import\s+([A-Za-z_][A-Za-z0-9_]*)\s*$")


def check_swift_block(block: Block) -> list[str]:
    """Problems with one swift block (empty when it matches its file)."""
    where = f"README line {block.fence_line} (```swift, {block.swift_mode} {block.swift_path})"
    path = REPO / block.swift_path
    if not path.is_file():
        return [f"{where}: {block.swift_path} does not exist"]
    file_lines = path.read_text(encoding="utf-8").split("\n")
    problems = []
    wanted: list[tuple[int, str]] = []
    block_imports = set()
    for offset, line in enumerate(block.lines):
        number = block.first_line + offset
        stripped = line.strip()
        if not stripped:
            continue
        if ELISION in stripped:
            if block.swift_mode == "compiled":
                problems.append(f"{where}: README line {number} elides (`…`), and a compiled snippet cannot elide: {stripped}")
            continue
        imported = IMPORT.match(stripped)
        if imported and block.swift_mode == "compiled":
            block_imports.add(imported.group(1))
            continue
        wanted.append((number, stripped))
    if block.swift_mode == "compiled":
        file_imports = {m.group(1) for line in file_lines if (m := IMPORT.match(line.rstrip()))}
        if block_imports != file_imports:
            missing = sorted(file_imports - block_imports)
            extra = sorted(block_imports - file_imports)
            detail = []
            if missing:
                detail.append(f"the file also imports {', '.join(missing)}")
            if extra:
                detail.append(f"the file does not import {', '.join(extra)}")
            problems.append(f"{where}: the block's imports differ from the file's ({'; '.join(detail)})")
    stripped_file = [line.strip() for line in file_lines]
    position = 0
    for number, text in wanted:
        try:
            position = stripped_file.index(text, position) + 1
        except ValueError:
            anywhere = text in stripped_file
            problems.append(
                f"{where}: README line {number} not found in {block.swift_path}"
                + (" after the previous block line (it is there, but out of order)" if anywhere else "")
                + f":\n      {text}")
            break   # the lines after it would all be reported too
    return problems


# ---------------------------------------------------------------------------------------------
# Shell blocks: commands with checked outputs


@dataclass
class Check:
    number: int
    kind: str               # "json" or "status"
    expected: str           # the comment, as written
    readme_line: int        # where the comment is
    command: str            # the command, continuation lines joined


def split_comment(text: str) -> tuple[str, str | None]:
    """The command part and the trailing comment of one logical line (quote-aware)."""
    quote = None
    i = 0
    while i < len(text):
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = None
        elif c == "\\":
            i += 2
            continue
        elif quote == '"':
            if c == '"':
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t;"):
            return text[:i], text[i + 1:]
        i += 1
    return text, None


def is_curl_with_status(command: str) -> bool:
    try:
        words = shlex.split(command, comments=False)
    except ValueError:
        words = command.split()
    if "curl" not in [Path(w).name for w in words]:
        return False
    for word in words:
        if word in ("-i", "--include") or re.fullmatch(r"-[a-zA-Z]*i[a-zA-Z]*", word):
            return True
    return False


def shell_script_lines(block: Block, checks: list[Check]) -> list[tuple[str, int | None]]:
    """The block's lines for the script, each with its README line; checked commands wrapped."""
    lines = list(block.lines)
    for old, new in block.replacements:
        joined = "\n".join(lines)
        if old not in joined:
            raise ReadmeError(f"README line {block.fence_line}: replace \"{old}\": not in the block")
        lines = joined.replace(old, new).split("\n")
        if len(lines) != len(block.lines):
            raise ReadmeError(f"README line {block.fence_line}: a replacement may not add or remove lines")
    out: list[tuple[str, int | None]] = []
    i = 0
    while i < len(lines):
        start = i
        while lines[i].rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
        group = lines[start:i + 1]
        i += 1
        logical = " ".join(part.rstrip()[:-1] if part.rstrip().endswith("\\") else part for part in group)
        command, comment = split_comment(logical)
        last_command, last_comment = split_comment(group[-1])
        check = None
        if comment is not None and command.strip() and last_comment is not None:
            expected = comment.strip()
            readme_line = block.first_line + start + len(group) - 1
            if expected[:1] in "[{":
                try:
                    json.loads(expected)
                    check = Check(len(checks), "json", expected, readme_line, command.strip())
                except json.JSONDecodeError:
                    pass   # a description that looks like JSON
            elif re.match(r"^\d{3}\b", expected):
                if not is_curl_with_status(command):
                    raise ReadmeError(
                        f"README line {readme_line}: the comment starts with an HTTP status ({expected[:3]}) "
                        "but the command does not print its status: use curl -i, or reword the comment")
                check = Check(len(checks), "status", expected, readme_line, command.strip())
        if check is None:
            out.extend((line, block.first_line + start + k) for k, line in enumerate(group))
            continue
        if command.rstrip().endswith("&"):
            raise ReadmeError(f"README line {check.readme_line}: a command in the background cannot have its output checked")
        checks.append(check)
        for k, line in enumerate(group):
            text = line
            if k == len(group) - 1:
                text = last_command.rstrip() + f' ; }} > "$README_TEST_STATE/out.{check.number}"; readme_test_check {check.number}'
            if k == 0:
                text = "{ " + text
            out.append((text, block.first_line + start + k))
    return out


def run_check(state: Path, number: int) -> int:
    """Called by the script (internal): compares a command's output with its README comment."""
    check = json.loads((state / f"check.{number}.json").read_text())
    output = (state / f"out.{number}").read_bytes().decode("utf-8", "replace")
    sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
    where = f"README line {check['readme_line']}"
    if check["kind"] == "json":
        expected = json.loads(check["expected"], object_pairs_hook=list)
        try:
            actual = json.loads(output, object_pairs_hook=list)
        except json.JSONDecodeError:
            actual = ValueError
        if actual == expected:
            print(f"readme-test: ✓ {where}: the output is {check['expected']} (member order checked)")
            return 0
        message = (f"readme-test: ✗ {where}: the output differs from the README's comment\n"
                   f"    command:  {check['command']}\n"
                   f"    expected: {check['expected']}\n"
                   f"    got:      {output.strip()[:2000]}")
        if actual is not ValueError and json.loads(check["expected"]) == json.loads(output):
            message += "\n    (the same members in another order: the order is part of what the README shows)"
        print(message)
        (state / "failure").write_text(message + "\n")
        return 1
    statuses = re.findall(r"^HTTP/[\d.]+ (\d{3})", output, flags=re.MULTILINE)
    wanted = check["expected"][:3]
    if statuses and statuses[-1] == wanted:
        print(f"readme-test: ✓ {where}: HTTP status {wanted}")
        return 0
    got = statuses[-1] if statuses else "no HTTP status line in the output"
    message = (f"readme-test: ✗ {where}: expected HTTP status {wanted}, got {got}\n"
               f"    command:  {check['command']}")
    print(message)
    (state / "failure").write_text(message + "\n")
    return 1


# ---------------------------------------------------------------------------------------------
# The script, the shim and the run


SWIFT_SHIM = r"""#!/usr/bin/env bash
# `swift` for the README test (Tests/Readme/run_readme.py): the package is already built in
# BIN_DIR; this answers for SwiftPM without building anything.
BIN_DIR=__BIN_DIR__
PRODUCTS=(__PRODUCTS__)
fail() { echo "swift (README test shim): $*" >&2; exit 1; }
case "${1:-}" in
  build)
    shift
    products=() show=no
    while [ $# -gt 0 ]; do
      case "$1" in
        --product) [ $# -ge 2 ] || fail "--product needs a name"; products+=("$2"); shift 2 ;;
        --product=*) products+=("${1#--product=}"); shift ;;
        --show-bin-path) show=yes; shift ;;
        *) fail "swift build $1: not supported here (only --product P and --show-bin-path)" ;;
      esac
    done
    [ ${#products[@]} -gt 0 ] || products=("${PRODUCTS[@]}")
    for product in "${products[@]}"; do
      [ -x "$BIN_DIR/$product" ] || fail "$BIN_DIR/$product does not exist: build it first (swift build --product $product)"
    done
    if [ $show = yes ]; then echo "$BIN_DIR"; fi
    exit 0 ;;
  run)
    shift
    [ $# -ge 1 ] && [ "${1#-}" = "$1" ] || fail "swift run needs the product first: swift run PRODUCT [ARGS...]"
    [ -x "$BIN_DIR/$1" ] || fail "$BIN_DIR/$1 does not exist: build it first (swift build --product $1)"
    product="$1"; shift
    exec "$BIN_DIR/$product" "$@" ;;
  *)
    fail "'swift $*' is not available in the README test (only swift build and swift run against the built package)" ;;
esac
"""

PRELUDE = r"""set -euo pipefail
readme_test_block() {   # BLOCK_INDEX README_LINE
  printf 'BLOCK %s %s\n' "$1" "$2" >> "$README_TEST_STATE/progress"
  printf '\n\033[1m----- readme-test: README.md line %s (block %s) -----\033[0m\n' "$2" "$1"
}
readme_test_check() {
  python3 "$README_TEST_RUNNER" --internal-check "$README_TEST_STATE" "$1"
}
readme_test_serve() {   # CMD ARGS...: on a free port, until it answers /health; then stopped
  local port pid status=0 i answer
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  echo "readme-test: starting $* --port $port"
  "$@" --port "$port" &
  pid=$!
  for i in $(seq 300); do
    if answer=$(curl -sf "http://127.0.0.1:$port/health"); then
      echo "readme-test: ✓ it answers GET /health: $answer"
      kill "$pid"
      wait "$pid" || status=$?
      if [ "$status" != 0 ]; then echo "readme-test: ✗ it exited with status $status after SIGTERM" >&2; return 1; fi
      echo "readme-test: ✓ stopped cleanly"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" || status=$?
      echo "readme-test: ✗ $* exited (status $status) before answering GET /health" >&2
      return 1
    fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  echo "readme-test: ✗ $* did not answer GET /health within 60 s" >&2
  return 1
}
trap 'readme_test_status=$?; printf "ERR\t%s\t%s\t%s\n" "$readme_test_status" "$LINENO" "${BASH_COMMAND//$'"'"'\n'"'"'/ }" >> "$README_TEST_STATE/progress"' ERR
trap 'printf "%s\t%s\n" "$LINENO" "${BASH_COMMAND//$'"'"'\n'"'"'/ }" >| "$README_TEST_STATE/current"' DEBUG
"""


def free_postgres_database(base_url: str, run_id: str) -> tuple[str, str]:
    """Creates a fresh database; returns (its URL, its name)."""
    name = f"readme_test_{run_id}"
    result = subprocess.run(["psql", base_url, "-v", "ON_ERROR_STOP=1", "-qc", f'create database "{name}"'],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"run_readme: cannot create the PostgreSQL database {name} on WARDEN_POSTGRES_URL:\n{result.stderr}")
    parts = urllib.parse.urlsplit(base_url)
    query = urllib.parse.parse_qsl(parts.query)
    if not any(key == "pool_max" for key, _ in query):
        query.append(("pool_max", "20"))
    return urllib.parse.urlunsplit(parts._replace(path="/" + name, query=urllib.parse.urlencode(query))), name


def drop_postgres_database(base_url: str, name: str) -> None:
    result = subprocess.run(["psql", base_url, "-qc", f'drop database if exists "{name}" with (force)'],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        print(f"run_readme: could not drop the PostgreSQL database {name}: {result.stderr.strip()}")


def become_subreaper() -> None:
    """Orphans of the run (servers whose bash is gone) become our children, so we can reap them."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass


def processes_with_marker(marker: str) -> list[tuple[int, str]]:
    found = []
    needle = f"README_TEST_RUN={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                if cmdline:   # zombies have none
                    found.append((int(entry.name), cmdline))
        except OSError:
            continue
    return found


def reap_children() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_everything(bash: subprocess.Popen | None, marker: str) -> list[str]:
    """Stops the run's process group (bash and everything it started), then anything else that
    carries the run's marker in its environment (a process that left the group)."""
    notes = []
    if bash is not None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(bash.pid, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if bash.poll() is not None:
                    reap_children()
                    if not group_alive(bash.pid):
                        break
                time.sleep(0.1)
            if bash.poll() is not None and not group_alive(bash.pid):
                break
    for sig in (signal.SIGTERM, signal.SIGKILL):
        stragglers = processes_with_marker(marker)
        if not stragglers:
            break
        for pid, cmdline in stragglers:
            notes.append(f"killed ({sig.name}) a process that had left the run's process group: {pid} {cmdline}")
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        time.sleep(1)
        reap_children()
    reap_children()
    return notes


def run_shell_blocks(blocks: list[Block], readme: Path, bin_dir: Path, timeout: float, skip_postgres: bool, keep: bool) -> bool:
    run_id = uuid.uuid4().hex[:12]
    root = Path(tempfile.mkdtemp(prefix="warden-readme-"))
    work, shim, state, tmp = root / "work", root / "bin", root / "state", root / "tmp"
    for directory in (work, shim, state, tmp):
        directory.mkdir()
    postgres_base = os.environ.get("WARDEN_POSTGRES_URL")
    postgres_name = None
    bash = None
    log = None
    try:
        postgres_url = ""
        if postgres_base:
            postgres_url, postgres_name = free_postgres_database(postgres_base, run_id)
            print(f"run_readme: PostgreSQL database for the blocks: {postgres_url}")

        # The script: prelude, then every block with its marker; a map from script lines to README lines.
        checks: list[Check] = []
        script: list[tuple[str, int | None]] = [(line, None) for line in PRELUDE.rstrip("\n").split("\n")]
        ran, skipped = [], []
        for index, block in enumerate(blocks, 1):
            if block.language not in SHELL_LANGUAGES:
                continue
            lines = shell_script_lines(block, checks)
            needs_postgres = any("README_TEST_POSTGRES_URL" in text for text, _ in lines)
            if block.skip:
                skipped.append(f"README line {block.fence_line}: skipped: {block.skip}")
                continue
            if needs_postgres and not postgres_base:
                UNTESTED.append(block.fence_line)
                skipped.append(f"README line {block.fence_line}: SKIPPED FOR --skip-postgres: this block needs PostgreSQL and was NOT tested")
                continue
            for old, new in block.replacements:
                skipped.append(f"README line {block.fence_line}: runs with {old!r} replaced by {new!r}")
            script.append((f"readme_test_block {index} {block.fence_line}", block.fence_line))
            script.extend(lines)
            ran.append(block)
        script.append(("printf 'END\\n' >> \"$README_TEST_STATE/progress\"", None))
        for check in checks:
            (state / f"check.{check.number}.json").write_text(json.dumps(check.__dict__))
        (state / "script.sh").write_text("\n".join(text for text, _ in script) + "\n")
        (state / "progress").write_text("")
        shim_file = shim / "swift"
        shim_file.write_text(SWIFT_SHIM.replace("__BIN_DIR__", shlex.quote(str(bin_dir)))
                             .replace("__PRODUCTS__", " ".join(PRODUCTS)))
        shim_file.chmod(0o755)

        syntax = subprocess.run(["bash", "-n", str(state / "script.sh")], capture_output=True, text=True)
        if syntax.returncode != 0:
            for message in syntax.stderr.strip().splitlines():
                found = re.search(r"line (\d+):\s*(.*)", message)
                if found and int(found.group(1)) <= len(script):
                    where = script[int(found.group(1)) - 1][1]
                    message = f"README line {where}: {found.group(2)}" if where else message
                print(f"run_readme: ✗ a shell syntax error: {message}")
            return False
        for note in skipped:
            print(f"run_readme: {note}")
        if skip_postgres and not postgres_base:
            print("run_readme: " + "!" * 20 + " --skip-postgres: the PostgreSQL block(s) above were NOT run " + "!" * 20)
        print(f"run_readme: {len(ran)} shell block(s) to run, {len(checks)} checked output(s); working directory {work}")

        env = {key: value for key, value in os.environ.items() if not key.startswith("WARDEN_")}
        env.update({
            "PATH": f"{bin_dir}{os.pathsep}{shim}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "TMPDIR": str(tmp),
            "README_TEST_STATE": str(state),
            "README_TEST_RUNNER": str(Path(__file__).resolve()),
            "README_TEST_POSTGRES_URL": postgres_url,
            "README_TEST_RUN": run_id,
        })
        log_path = state / "output.log"
        log = open(log_path, "wb")
        bash = subprocess.Popen(["bash", str(state / "script.sh")], cwd=work, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        reader = open(log_path, "rb")
        current_block, block_started, timed_out = None, time.monotonic(), False
        line_of_block = {}
        while True:
            chunk = reader.read()
            if chunk:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            started = [entry.split() for entry in (state / "progress").read_text().splitlines() if entry.startswith("BLOCK ")]
            if started and started[-1][1] != current_block:
                _, current_block, line = started[-1]
                line_of_block[current_block] = int(line)
                block_started = time.monotonic()
            if bash.poll() is not None:
                break
            if current_block is not None and time.monotonic() - block_started > timeout:
                timed_out = True
                break
            time.sleep(0.1)
        current = (state / "current").read_text().strip() if (state / "current").exists() else ""
        progress = (state / "progress").read_text().splitlines()
        status = bash.poll()
        notes = stop_everything(bash, run_id)
        bash = None
        time.sleep(0.2)
        sys.stdout.buffer.write(reader.read())
        reader.close()
        for note in notes:
            print(f"run_readme: {note}")

        def readme_line(script_line: str) -> int | None:
            try:
                return script[int(script_line) - 1][1]
            except (ValueError, IndexError):
                return None

        readme_lines = readme.read_text(encoding="utf-8").split("\n")

        def show(script_line: str, command: str) -> str:
            """README line N: its text (and the simple command bash was at, when it differs)."""
            number = readme_line(script_line)
            if number is None:
                return command
            text = readme_lines[number - 1].strip()
            return f"README line {number}: {text}" + ("" if command.strip() in text else f"\n    (at: {command})")

        block_line = line_of_block.get(current_block)
        if not timed_out and status == 0 and progress and progress[-1] == "END":
            print(f"\nrun_readme: ✓ {len(ran)} shell block(s) ran top to bottom, {len(checks)} output(s) checked")
            return True
        print("\n" + "=" * 100)
        if timed_out:
            line_no, _, command = current.partition("\t")
            print(f"run_readme: ✗ the block at README line {block_line} did not finish within {timeout:.0f} s")
            print(f"  still running: {show(line_no, command)}")
        else:
            errors = [entry for entry in progress if entry.startswith("ERR\t")]
            failure = (state / "failure").read_text().strip() if (state / "failure").exists() else None
            print(f"run_readme: ✗ the block at README line {block_line} failed (bash exited with status {status})")
            if failure:
                print(failure)
            elif errors:
                _, code, line_no, command = errors[0].split("\t", 3)
                print(f"  exit status {code}: {show(line_no, command)}")
            elif current:
                line_no, _, command = current.partition("\t")
                print(f"  {show(line_no, command)}")
                print("  (bash itself stopped the run here, an unset variable say: its message ends the output below)")
        tail = log_path.read_bytes().decode("utf-8", "replace").splitlines()[-40:]
        # bash's own messages name script lines ("script.sh: line 97: X: unbound variable").
        tail = [re.sub(r"\S*script\.sh: line (\d+):", lambda m: f"README line {readme_line(m.group(1))}:", line) for line in tail]
        print("  the last lines of the output:")
        for line in tail:
            print("  | " + line)
        print("=" * 100)
        return False
    finally:
        if bash is not None:
            for note in stop_everything(bash, run_id):
                print(f"run_readme: {note}")
        if log is not None:
            log.close()
        if postgres_base and postgres_name:
            drop_postgres_database(postgres_base, postgres_name)
        if keep:
            print(f"run_readme: kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--internal-check":
        return run_check(Path(sys.argv[2]), int(sys.argv[3]))
    parser = argparse.ArgumentParser(description="Run the README's code blocks (see the header of this file).")
    parser.add_argument("bin_dir", nargs="?", help="directory of the built warden, scopes-tutorial and shop-demo")
    parser.add_argument("--readme", default=str(REPO / "README.md"))
    parser.add_argument("--timeout", type=float, default=120, help="seconds per shell block (default 120)")
    parser.add_argument("--skip-postgres", action="store_true", help="without WARDEN_POSTGRES_URL: skip the blocks that need PostgreSQL")
    parser.add_argument("--swift-only", action="store_true", help="only check the Swift blocks against their files")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary directory (script, output, state)")
    args = parser.parse_args()

    if not args.swift_only and not args.bin_dir:
        parser.error("BIN_DIR is required (or --swift-only)")
    try:
        blocks = parse_readme(Path(args.readme))
    except ReadmeError as error:
        print(f"run_readme: ✗ {error}")
        return 1

    swift_blocks = [block for block in blocks if block.language == "swift"]
    problems = []
    for block in swift_blocks:
        found = check_swift_block(block)
        problems.extend(found)
        if not found:
            print(f"run_readme: ✓ README line {block.fence_line}: the swift block is {'compiled in' if block.swift_mode == 'compiled' else 'an excerpt of'} {block.swift_path}")
    for problem in problems:
        print(f"run_readme: ✗ {problem}")
    shell_ok = True
    if not args.swift_only:
        bin_dir = Path(args.bin_dir).resolve()
        missing = [p for p in PRODUCTS if not os.access(bin_dir / p, os.X_OK)]
        if missing:
            print(f"run_readme: ✗ {bin_dir} lacks {', '.join(missing)}: build them first (swift build)")
            return 1
        if not os.environ.get("WARDEN_POSTGRES_URL") and not args.skip_postgres:
            print("run_readme: ✗ WARDEN_POSTGRES_URL is not set: the README's PostgreSQL block needs a server "
                  "(read -r URL DATA BIN < <(bash .ci/start-postgres.sh); export WARDEN_POSTGRES_URL=$URL), "
                  "or pass --skip-postgres to skip that block")
            return 1
        if shutil.which("psql") is None and os.environ.get("WARDEN_POSTGRES_URL"):
            print("run_readme: ✗ psql is needed to create the run's PostgreSQL database (Debian: postgresql-client)")
            return 1
        import socket
        taken = []
        for port in README_PORTS:
            with socket.socket() as probe:
                probe.settimeout(1)
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    taken.append(port)
        if taken:
            print(f"run_readme: ✗ something already listens on 127.0.0.1 port {', '.join(map(str, taken))}: the README's "
                  "servers need it; stop it first (ss -ltnp shows what it is)")
            return 1
        become_subreaper()
        def interrupted(signum, _frame):
            print(f"run_readme: interrupted ({signal.Signals(signum).name}): stopping what the blocks started")
            sys.exit(128 + signum)
        signal.signal(signal.SIGTERM, interrupted)
        try:
            shell_ok = run_shell_blocks(blocks, Path(args.readme), bin_dir, args.timeout, args.skip_postgres, args.keep_temp)
        except ReadmeError as error:
            print(f"run_readme: ✗ {error}")
            shell_ok = False
    if problems:
        print(f"run_readme: ✗ {len(problems)} swift block problem(s) (listed above)")
    passed = shell_ok and not problems
    untested = f" (NOT run, --skip-postgres: the block(s) at README line {', '.join(map(str, UNTESTED))})" if passed and UNTESTED else ""
    print("run_readme: " + ("PASSED" + untested if passed else "FAILED") + (" (Swift blocks only: --swift-only)" if args.swift_only else ""))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
