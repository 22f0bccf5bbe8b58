"""Docs stay true: every command has help with an example, and the README lists every command."""

import json
import re
import subprocess
import sys
from pathlib import Path

import click

from namecards.cli import cli, load_all_commands

load_all_commands()
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from commands(command, prefix + name + " ")


def test_every_command_has_help():
    missing = [name for name, command in commands(cli) if not (command.help or "").strip()]
    assert missing == []


def test_every_top_level_command_is_in_the_readme_table():
    listed = set(re.findall(r"`namecards ([a-z]+)", README))
    assert set(cli.commands) - listed == set()


def test_the_readme_has_exactly_two_setup_commands():
    assert README.count("<!-- run-command -->") == 1 and README.count("<!-- test-command -->") == 1
    assert "tesseract-ocr" in README and "pytest" in README


def test_each_command_is_loaded_from_the_module_that_registers_it():
    # In a fresh interpreter: the group starts empty, and each area's module adds exactly the
    # commands COMMAND_MODULES gives it (a command missing from the table would not run).
    code = (
        "import importlib, json\n"
        "from namecards.cli.main import AREAS, COMMAND_MODULES, cli\n"
        "assert not cli.commands, sorted(cli.commands)\n"
        "found = {}\n"
        "for area in AREAS:\n"
        "    before = set(cli.commands)\n"
        "    importlib.import_module('namecards.cli.' + area)\n"
        "    found.update({name: area for name in set(cli.commands) - before})\n"
        "print(json.dumps([found, COMMAND_MODULES]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found, table = json.loads(out.stdout)
    assert found == table
