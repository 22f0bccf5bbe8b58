"""Inputs that used to end in "internal error: …": each is now one line that says what is
wrong, with the documented exit code. Real processes of the installed entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.hostile import corpus

LONG = "a" * 100_000


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> Path:
    from namecards.domain.contacts import add_contact
    from namecards.store import open_store

    home = tmp_path_factory.mktemp("errors") / "home"
    with open_store(home) as store:
        add_contact(store, "María López", company="Acme", emails=["maria@acme.example"])
        add_contact(store, "Jürgen Groß", company="50% Off_Store")
    return home


@pytest.mark.parametrize("args,code,line", [
    (["show", "99999999999999999999999"], 1, "no contact #99999999999999999999999"),
    (["show", "#18446744073709551616"], 1, "no contact #18446744073709551616"),
    (["show", "²"], 1, "no contact matches '²'"),
    (["show", "٣"], 1, "no contact matches '٣'"),
    (["show", LONG], 1, f"no contact matches '{'a' * 39}…' (a name fragment of 100,000 "
                        "characters)"),
    (["list", "--company", LONG], 1, "the text to match is too long (at most 50,000 "
                                     "characters)"),
    (["add", "--name", b"Bad \xff\xfe Bytes"], 1, "some text given is not valid UTF-8 "
                                                  "('\\udcff\\udcfe'): check the terminal's "
                                                  "encoding (LANG, LC_ALL)"),
], ids=["huge id", "2**64", "superscript two", "arabic three", "100,000 characters",
        "company filter of 100,000 characters", "bytes that are not UTF-8"])
def test_one_line_instead_of_internal_error(people, args, code, line):
    r = corpus.run_installed(people, *args)
    assert r.returncode == code, r.stderr
    assert r.stderr.decode() == f"namecards: {line}\n"


def test_fragments_match_literally_and_the_long_search_returns_quickly(people):
    r = corpus.run_installed(people, "show", "50% off_")  # a company is no name: no match
    assert r.returncode == 1 and b"no contact matches" in r.stderr
    r = corpus.run_installed(people, "show", "grosS", "--json")
    assert json.loads(r.stdout)["full_name"] == "Jürgen Groß"
    words = " ".join(f"w{i}" for i in range(12_000))
    r = corpus.run_installed(people, "search", words)
    assert r.returncode == 0 and r.stdout == b""
    assert r.stderr.decode() == f"Nothing matches {words[:59] + '…'!r}.\n"


@pytest.mark.parametrize("key,value,line", [
    ("name", "Ana Souza\nBcc: everyone@example.com",
     "name must be one line: it goes into every letter's header"),
    ("name", "Ana\rSouza", "name must be one line: it goes into every letter's header"),
    ("name", "Ana \x1b]0;x\x07Souza",
     "name holds a control character (an escape code?): type it again"),
    ("email", "ana@example.com\nBcc: x@example.com",
     "email must be one line: it goes into every letter's header"),
    ("email", "not an address", "not a valid e-mail address: 'not an address' (An email "
                                "address must have an @-sign.)"),
])
def test_config_refuses_what_would_break_a_letter(tmp_path, key, value, line):
    env = {"NAMECARDS_CONFIG": str(tmp_path / "cfg")}
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.json").write_text('{"name": "Ana Souza"}')
    r = corpus.run_installed(None, "config", "set", key, value, env=env)
    assert r.returncode == 2
    assert r.stderr.decode() == f"namecards: {line}\n"
    saved = json.loads((tmp_path / "cfg" / "config.json").read_text())
    assert saved == {"name": "Ana Souza"}


def test_a_signature_keeps_its_lines(tmp_path):
    env = {"NAMECARDS_CONFIG": str(tmp_path / "cfg")}
    r = corpus.run_installed(None, "config", "set", "signature", "Ana Souza\nRobotics, TU Delft",
                             env=env)
    assert r.returncode == 0, r.stderr
    saved = json.loads((tmp_path / "cfg" / "config.json").read_text())
    assert saved["signature"] == "Ana Souza\nRobotics, TU Delft"
