"""Library messages name no command-line flag: the CLI adds its flags and commands to the
typed errors (`cli.main.cli_message`), the TUI says its own words. The CLI output stays as
it was."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")

# Strings below the CLI that may hold a flag, and why.
ALLOWED = {
    # Tesseract's own command line, not ours.
    ("ocr/engine.py", "--list-langs"), ("ocr/engine.py", "--dpi"), ("ocr/engine.py", "--psm"),
    ("ocr/engine.py", "--tessdata-dir"),
    ("namecards/services/doctor.py", "--version"),
    ("namecards/services/doctor.py", "--list-langs"),
    ("namecards/services/doctor.py", "--reinstall"),  # apt-get's, in how to reinstall it
    # `namecards ready`'s next steps are commands the user runs next (the same list is its
    # --json "next", and the TUI's briefing shows them as what to type in a terminal).
    *(("namecards/services/readiness.py", flag) for flag in
      ("--name", "--event", "--role", "--starter")),
}


def docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def flags_named(path: Path) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in skip):
            found |= {(node.lineno, flag) for flag in FLAG.findall(node.value)}
    return found


def library_modules():
    for package in ("namecards", "ocr"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith("namecards/cli/"):
                yield rel, path


def test_library_strings_name_no_command_line_flag():
    found, seen = {}, set()
    for rel, path in library_modules():
        named = flags_named(path)
        seen |= {(rel, flag) for _, flag in named}
        named = sorted((line, flag) for line, flag in named
                       if (rel, flag) not in ALLOWED)
        if named:
            found[rel] = named
    assert found == {}
    assert ALLOWED - seen == set(), "allowed but no longer there: drop them from ALLOWED"


def test_the_walk_sees_flags_in_plain_strings_and_f_strings(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('"""Docs may say --home."""\nA = "use --force"\nB = f"{A} (see --list)"\n')
    assert flags_named(probe) == {(2, "--force"), (3, "--list")}


def test_the_cli_adds_its_flags_and_commands_to_the_library_errors(cli):
    assert cli("add", "--name", "Maria Keller", "--company", "Acme").exit_code == 0
    assert cli("add", "--name", "Ben Okafor").exit_code == 0
    assert cli("add", "--name", "Cy Ito").exit_code == 0
    said = {
        ("add", "--name", " "): (1, "a contact needs a name (--name)"),
        ("merge", "--undo"): (1, "no merge to undo (see: namecards merge --list)"),
        ("merge", "--undo", "x7"):
            (2, "a merge is named by its number, not 'x7' (see: namecards merge --list)"),
        ("merge", "maria", "ben", "--into", "cy", "--yes"):
            (2, "the contact to keep must be one of the two (#1 or #2) (--into)"),
        ("ask", "add", "Why Rust?"):
            (2, "say where you will ask it: at an event, of a company or for a position "
                "(--event, --company or --position)"),
        ("ask", "done", "9"): (2, "no question #9 (see: namecards ask list)"),
        ("note", "maria", "x", "--edit", "first"):
            (1, "a note is named by its id, not 'first' (see: namecards show)"),
        ("note", "maria", " ", "--edit", "1"):
            (1, "the note is empty (use namecards note --delete to remove it)"),
        ("company", "show", "Nope"):
            (1, "no company matches 'Nope' (add it: namecards company add 'Nope')"),
        ("event", "show", "Nope"): (1, "no event matches 'Nope' (see: namecards event list)"),
        ("letter", "maria", "--point", "9"):
            (1, "talking point #9 is not one of Maria Keller's (theirs: none yet) "
                "(see: namecards show 1)"),
    }
    for args, (code, line) in said.items():
        r = cli(*args)
        assert (r.exit_code, r.output) == (code, f"namecards: {line}\n"), args
