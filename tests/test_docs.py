"""Docs stay true: every command has help with an example, and the README lists every command."""

import re
from pathlib import Path

import click

from namecards.cli import cli

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
