"""`namecards edit CONTACT` through a real $EDITOR (a script that plays the user): a mistake
reopens the editor with the user's text and the error on top, until it applies or the user
empties the file or quits; nothing typed is thrown away, nothing half-applied."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest
from fixtures.hostile import corpus

# The editor: on its k-th run it applies the k-th step of plan.json to the file and keeps a
# copy of what it was shown in seen-k.toml. Steps: [old, new] replaces text; "empty" empties
# the file; "quit" leaves without saving; "typo-forever" adds a broken line every time;
# "interrupt" sends Ctrl-C (SIGINT) to namecards, as a terminal would.
EDITOR = textwrap.dedent("""\
    #!{python}
    import json, os, select, signal, sys
    from pathlib import Path
    here = Path(__file__).parent
    path = Path(sys.argv[-1])
    rounds = len(list(here.glob("seen-*.toml"))) + 1
    text = path.read_text(encoding="utf-8")
    (here / f"seen-{{rounds}}.toml").write_text(text, encoding="utf-8")
    plan = json.loads((here / "plan.json").read_text())
    step = plan[min(rounds, len(plan)) - 1]
    if step == "quit":
        sys.exit(0)
    if step == "interrupt":
        # The namecards process that ran us: the nearest ancestor running `edit maria`
        # (a shell may or may not sit in between).
        pid = os.getppid()
        while pid > 1:
            if b"\\0edit\\0maria" in Path(f"/proc/{{pid}}/cmdline").read_bytes():
                os.kill(pid, signal.SIGINT)
                # A terminal's Ctrl-C reaches namecards while the editor still runs: stay
                # until namecards has gone, so that it cannot see the editor's exit first.
                select.select([os.pidfd_open(pid)], [], [], 30)
                break
            pid = int(Path(f"/proc/{{pid}}/stat").read_text().rsplit(")", 1)[1].split()[1])
        sys.exit(1)
    if step == "empty":
        text = ""
    elif step == "typo-forever":
        text += "\\nnot toml [\\n"
    else:
        old, new = step
        assert old in text, (old, text)
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
""")


@pytest.fixture
def maria(tmp_path) -> Path:
    from namecards.domain.contacts import add_contact
    from namecards.store import open_store

    home = tmp_path / "home"
    with open_store(home) as store:
        add_contact(store, "María López", company="Acme", emails=["maria@acme.example"])
    return home


def edit(home: Path, tmp_path: Path, *plan):
    editor = tmp_path / "editor" / "edit.py"
    editor.parent.mkdir(exist_ok=True)
    editor.write_text(EDITOR.format(python=sys.executable))
    editor.chmod(0o755)
    (editor.parent / "plan.json").write_text(json.dumps(plan))
    env = {"EDITOR": str(editor), "VISUAL": str(editor)}
    return corpus.run_installed(home, "edit", "maria", env=env)


def seen(tmp_path: Path) -> list[str]:
    files = sorted((tmp_path / "editor").glob("seen-*.toml"), key=lambda p: int(p.stem[5:]))
    return [p.read_text(encoding="utf-8") for p in files]


def stored(home: Path) -> dict:
    """María as the database holds her: her row and her e-mails."""
    db = sqlite3.connect(f"file:{home / 'namecards.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        row = dict(db.execute("select * from contacts where id = 1").fetchone())
        row["emails"] = [{"value": v} for (v,) in db.execute(
            "select value from contact_methods where contact_id = 1 and kind = 'email' "
            "order by id")]
        return row
    finally:
        db.close()


def test_a_typo_reopens_the_editor_with_the_text_and_the_error(maria, tmp_path):
    r = edit(maria, tmp_path, ['title = ""', 'title = "CTO'], ['title = "CTO', 'title = "CTO"'])
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "Updated #1: title\n"
    first, second = seen(tmp_path)
    assert not first.startswith("# ERROR")
    header, help_line = second.splitlines()[:2]
    assert header.startswith("# ERROR: the edited contact is not valid TOML (")
    assert help_line == ("# Fix it and save to apply. To change nothing: empty the file, or quit "
                         "without saving.")
    # The line the error names is the line with the typo, in the file as reopened.
    line = int(re.search(r"at line (\d+)", header).group(1))
    assert second.splitlines()[line - 1] == 'title = "CTO'
    assert second.split("\n", 2)[2] == first.replace('title = ""', 'title = "CTO')
    assert stored(maria)["title"] == "CTO"


def test_a_bad_address_is_shown_and_the_header_does_not_pile_up(maria, tmp_path):
    bad = 'emails = ["maria@acme.example", "maria at home"]'
    r = edit(maria, tmp_path, ['emails = ["maria@acme.example"]', bad],
             ['company = "Acme"', 'company = "Acme Robotics"'],
             [bad, 'emails = ["maria@acme.example", "maria@home.example"]'])
    assert r.returncode == 0, r.stderr
    rounds = seen(tmp_path)
    assert len(rounds) == 3
    assert rounds[1].startswith("# ERROR: not a valid e-mail address: 'maria at home'")
    assert rounds[2].count("# ERROR") == 1  # the new error replaced the old one
    c = stored(maria)
    assert c["company"] == "Acme Robotics"
    assert [m["value"] for m in c["emails"]] == ["maria@acme.example", "maria@home.example"]


@pytest.mark.parametrize("give_up,message", [
    ("empty", "No changes: the file was emptied.\n"),
    ("quit", "No changes: the editor closed without saving.\n"),
])
def test_giving_up_changes_nothing_and_says_so(maria, tmp_path, give_up, message):
    before = stored(maria)
    r = edit(maria, tmp_path, ['company = "Acme"', 'company = "Acme'], give_up)
    assert r.returncode == 0
    assert r.stderr.decode() == message
    assert stored(maria) == before


def test_an_editor_that_never_fixes_it_ends_with_one_line(maria, tmp_path):
    before = stored(maria)
    r = edit(maria, tmp_path, "typo-forever")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith("namecards: the edited contact is not valid TOML (")
    assert err.endswith("; nothing changed\n") and err.count("\n") == 1
    assert len(seen(tmp_path)) == 10
    assert stored(maria) == before


def test_ctrl_c_in_the_editor_changes_nothing(maria, tmp_path):
    before = stored(maria)
    r = edit(maria, tmp_path, ['company = "Acme"', 'company = "Acme'], "interrupt")
    assert r.returncode == 130
    assert r.stderr.decode() == ("namecards: interrupted; the change in progress was not saved "
                                 "(finished ones are kept)\n")
    assert stored(maria) == before
