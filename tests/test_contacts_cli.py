"""The address-book commands through Click's CliRunner, plus a few real subprocess runs."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ok(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def as_json(result):
    return json.loads(ok(result).output)


@pytest.fixture
def book(cli):
    ok(cli("add", "--name", "María José Núñez", "--company", "Acme Robotics", "--title", "CTO",
           "--email", "MJ@acme.example", "--phone", "+49 30 1234567",
           "--url", "linkedin.com/in/mjnunez", "--event", "Acme interview", "--role", "panel",
           "--tag", "robotics"))
    ok(cli("add", "--name", "Mario Rossi", "--company", "Acme Robotics", "--event", "Acme interview"))
    ok(cli("add", "--name", "Jürgen Groß", "--company", "Initech", "--tag", "robotics"))
    return cli


def test_add_refuses_a_likely_duplicate_and_names_it(book):
    r = book("add", "--name", "Maria Jose Nunez", "--company", "ACME Robotics")
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        "namecards: looks like #1 María José Núñez (same name at the same company); use --force to "
        "add anyway, or `namecards edit 1` to update that contact"]
    r = book("add", "--name", "Someone", "--email", "mj@ACME.example")
    assert r.exit_code == 1 and "same e-mail mj@acme.example" in r.output
    assert as_json(book("add", "--name", "Maria Jose Nunez", "--company", "Acme Robotics",
                        "--force", "--json")) == {"id": 4}


def test_invalid_values_name_themselves(cli):
    r = cli("add", "--name", "Bob", "--phone", "12")
    assert r.exit_code == 1 and "'12'" in r.output and "--force" in r.output
    r = cli("add", "--name", "Bob", "--url", "not a url")
    assert r.exit_code == 1 and "'not a url'" in r.output
    assert cli("add").exit_code == 2


def test_list_filters_and_json(book):
    rows = as_json(book("list", "--json"))
    assert [r["full_name"] for r in rows] == ["Jürgen Groß", "María José Núñez", "Mario Rossi"]
    assert rows[1]["email"] == "mj@acme.example" and rows[1]["tags"] == ["robotics"]
    assert [r["id"] for r in as_json(book("list", "--event", "acme", "--json"))] == [1, 2]
    assert [r["id"] for r in as_json(book("list", "--tag", "robotics", "--json"))] == [3, 1]
    assert [r["id"] for r in as_json(book("list", "--company", "init", "--json"))] == [3]
    assert as_json(book("list", "--company", "nobody", "--json")) == []
    r = book("list", "--event", "nope")
    assert r.exit_code == 1 and "no event matches 'nope'" in r.output


def test_show_prints_everything(book):
    ok(book("note", "maria jose", "Panel at 10.\n- leads the ROS 2 migration"))
    r = ok(book("show", "maria jose"))
    for expected in ("#1 María José Núñez", "E-mail: mj@acme.example", "Phone: +49301234567",
                     "URL: https://www.linkedin.com/in/mjnunez (linkedin)",
                     "Met at: #1 Acme interview — panel", "Tags: robotics", "Panel at 10.",
                     "- leads the ROS 2 migration", "Drill: 3 cards, 3 new"):
        assert expected in r.output
    data = as_json(book("show", "1", "--json"))
    assert data["linkedin"] == ["https://www.linkedin.com/in/mjnunez"]
    assert {"drill", "letters", "notes", "talking_points", "events", "scans"} <= set(data)


def test_contact_resolution_errors(book):
    r = book("show", "mari")
    assert r.exit_code == 1
    assert r.output.startswith("namecards: 'mari' matches 2 contacts: #1 María José Núñez "
                               "(Acme Robotics); #2 Mario Rossi")
    r = book("show", "Jurgan")
    assert r.exit_code == 1 and "closest: Jürgen Groß (#3)" in r.output
    assert book("show", "99").exit_code == 1


def test_search_ranked_with_snippets(book):
    ok(book("note", "jurgen", "- migrating everything to Kubernetes"))
    rows = as_json(book("search", "kubern", "--json"))
    assert [r["full_name"] for r in rows] == ["Jürgen Groß"] and "[Kubernetes]" in rows[0]["snippet"]
    r = ok(book("search", "nunez"))
    assert "#1" in r.output and "[Núñez]" in r.output
    r = book("search", "zzz")
    assert r.exit_code == 0 and "Nothing matches" in r.output


def test_edit_with_flags(book):
    r = ok(book("edit", "jurgen", "--title", "VP", "--add-email", "J@initech.example",
                "--clear", "company", "--json"))
    assert json.loads(r.output)["changed"] == ["+email", "company", "title"]
    data = as_json(book("show", "3", "--json"))
    assert data["title"] == "VP" and data["company"] is None
    assert book("edit", "jurgen", "--clear", "shoe_size").exit_code == 1


def test_edit_in_the_editor(book, monkeypatch):
    def fake_edit(text, **kwargs):
        assert 'full_name = "Jürgen Groß"' in text and kwargs["extension"] == ".toml"
        return (text.replace('title = ""', 'title = "Head of \\"Platform\\""')
                    .replace("emails = []", 'emails = ["jg@initech.example"]')
                    .replace('tags = ["robotics"]', 'tags = ["k8s"]'))

    monkeypatch.setattr("click.edit", fake_edit)
    r = ok(book("edit", "jurgen"))
    assert "Updated #3" in r.output
    data = as_json(book("show", "3", "--json"))
    assert data["title"] == 'Head of "Platform"' and data["tags"] == ["k8s"]
    assert [m["value"] for m in data["emails"]] == ["jg@initech.example"]

    monkeypatch.setattr("click.edit", lambda text, **kw: text + "\nnot toml [")
    r = book("edit", "jurgen")
    assert r.exit_code == 1 and "not valid TOML" in r.output and "nothing changed" in r.output
    monkeypatch.setattr("click.edit", lambda text, **kw: None)
    assert "No changes" in ok(book("edit", "jurgen")).output


def test_the_toml_view_round_trips_hostile_text(store):
    from namecards.domain.contacts import add_contact
    from namecards.domain.editing import apply_contact_view, contact_view, parse_contact_view

    name = 'Renée "R" O\'Neil \\ 🤖 \u05e9\u05dc\u05d5\u05dd'
    cid = add_contact(store, name, address="Line 1\nLine 2\tTab")
    view = contact_view(store, cid)
    data = parse_contact_view(view)
    assert data["full_name"] == name and data["address"] == "Line 1\nLine 2\tTab"
    assert apply_contact_view(store, cid, view)["changed"] == []


def test_note_edit_and_delete(book):
    r = ok(book("note", "jurgen", "- likes Go\n- runs", "--json"))
    note_id = json.loads(r.output)["note_id"]
    r = ok(book("note", "jurgen", "- likes Go\n- cycles", "--edit", str(note_id)))
    assert "1 points kept, 1 added, 1 removed" in r.output
    r = book("note", "mario", "x", "--edit", str(note_id))
    assert r.exit_code == 1 and f"no note #{note_id} of contact #2" in r.output
    assert book("note", "jurgen", "--edit", "1", "--delete", "1").exit_code == 2
    ok(book("note", "jurgen", "--delete", str(note_id)))
    assert as_json(book("show", "jurgen", "--json"))["notes"] == []
    assert book("note", "jurgen").exit_code == 2


def test_tag_and_untag(book):
    assert "Tags: hiring, robotics" in ok(book("tag", "jurgen", "hiring")).output
    assert "Tags: hiring" in ok(book("tag", "jurgen", "robotics", "--remove")).output
    assert as_json(book("tag", "jurgen", "a", "--json")) == {"tags": ["a", "hiring"]}


def test_delete_asks_unless_yes(book):
    r = book("delete", "jurgen", input="n\n")
    assert r.exit_code == 1 and "Nothing deleted" in r.output
    assert ok(book("delete", "jurgen", "--yes")).output.strip() == "Deleted #3 Jürgen Groß"
    assert len(as_json(book("list", "--json"))) == 2


def test_merge_and_dedupe_commands(book):
    ok(book("add", "--name", "M. J. Núñez", "--email", "mj@acme.example", "--force"))
    pairs = as_json(book("dedupe", "--json"))["pairs"]
    assert [(p["a"]["id"], p["b"]["id"], p["certain"]) for p in pairs] == [(1, 4, True)]
    assert "certain #1 María José Núñez  ~  #4 M. J. Núñez" in ok(book("dedupe")).output
    r = ok(book("merge", "1", "4", "--yes"))
    assert r.output.strip() == "Merged #4 M. J. Núñez into #1 (undo: namecards merge --undo 1)"
    assert as_json(book("dedupe", "--json"))["pairs"] == []
    assert book("merge", "1", "1").exit_code == 1
    assert book("merge", "1", "2", "--into", "3").exit_code == 2


def test_events_add_list_show(book):
    ok(book("event", "add", "Acme interview", "--date", "2026-12-03T09:30"))
    rows = as_json(book("event", "list", "--json"))
    assert rows[0]["people"] == 2
    shown = as_json(book("event", "show", "acme", "--json"))
    assert shown["date"] == "2026-12-03T09:30"
    assert [(p["full_name"], p["role"], p["follow_up_due"]) for p in shown["people"]] == [
        ("María José Núñez", "panel", "2026-12-04"), ("Mario Rossi", None, "2026-12-04")]
    assert "follow up by 2026-12-04" in ok(book("event", "show", "acme")).output
    assert book("event", "show", "nope").exit_code == 1


def test_due_lists_follow_ups_per_event_until_done(cli):
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    ok(cli("event", "add", "Fair", "--date", yesterday, "--kind", "fair"))
    ok(cli("add", "--name", "Ana", "--event", "Fair"))
    ok(cli("add", "--name", "Bea", "--event", "Fair"))
    ok(cli("event", "add", "Later", "--date", (date.today() + timedelta(days=5)).isoformat()))
    ok(cli("add", "--name", "Cid", "--event", "Later"))
    data = as_json(cli("due", "--json"))
    assert data["follow_ups_due"] == 2 and data["drills_due"] == 6
    fair = next(g for g in data["events"] if g["event"] == "Fair")
    assert [(f["full_name"], f["days_overdue"]) for f in fair["follow_ups"]] == [("Ana", 1), ("Bea", 1)]
    assert fair["drills_due"] == 4 and fair["new_cards"] == 4
    ok(cli("edit", "ana", "--contacted", date.today().isoformat()))
    data = as_json(cli("due", "--json"))
    assert [f["full_name"] for g in data["events"] for f in g["follow_ups"]] == ["Bea"]
    assert "follow up #2 Bea" in ok(cli("due")).output


def test_hostile_input_through_the_cli(cli):
    name = "Robert'); DROP TABLE contacts;-- 🤖 \u05e9\u05dc\u05d5\u05dd"
    ok(cli("add", "--name", name, "--company", '"Quoted" & <b>'))
    note = "y" * 10_000 + "\n- select * from contacts where 1=1; --"
    ok(cli("note", "1", "-", input=note))
    data = as_json(cli("show", "1", "--json"))
    assert data["full_name"] == name and data["notes"][0]["text"] == note
    assert data["talking_points"][0]["text"] == "select * from contacts where 1=1; --"
    assert name in ok(cli("show", "1")).output
    assert as_json(cli("search", "DROP TABLE", "--json"))[0]["id"] == 1
    ok(cli("search", '") OR 1=1 --'))


def test_every_command_has_help(cli):
    for args in (["add"], ["list"], ["show"], ["search"], ["edit"], ["merge"], ["dedupe"],
                 ["note"], ["tag"], ["delete"], ["due"], ["backup"], ["event", "show"]):
        r = ok(cli(*args, "--help"))
        assert "Usage:" in r.output and len(r.output.splitlines()) > 4


def run_module(home, *args, input=None):
    # `python -m namecards` from the worktree root picks up this tree before the installed one.
    return subprocess.run(
        [sys.executable, "-m", "namecards", "--home", str(home), *args],
        input=input, capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_subprocess_round_trip(home):
    r = run_module(home, "add", "--name", "Zoë Ó Briain", "--email", "zoe@globex.example",
                   "--event", "Fair 2026", "--tag", "rust")
    assert r.returncode == 0, r.stderr
    r = run_module(home, "note", "zoe", "-", input="- wants a Rust rewrite\n")
    assert r.returncode == 0, r.stderr
    r = run_module(home, "search", "rust", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)[0]["full_name"] == "Zoë Ó Briain"
    r = run_module(home, "show", "nobody")
    assert r.returncode == 1 and r.stderr.strip() == "namecards: no contact matches 'nobody'; " \
        "closest: Zoë Ó Briain (#1)" or r.stderr.startswith("namecards: no contact matches")
    assert "Traceback" not in r.stderr
    r = run_module(home, "merge", "1")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_subprocess_delete_without_a_terminal_does_nothing(home):
    assert run_module(home, "add", "--name", "Ana").returncode == 0
    r = run_module(home, "delete", "ana", input="")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert json.loads(run_module(home, "list", "--json").stdout)[0]["full_name"] == "Ana"


def test_add_at_a_terminal_offers_the_existing_contact(book, monkeypatch):
    monkeypatch.setattr("namecards.cli.contacts._interactive", lambda: True)
    r = book("add", "--name", "Maria Jose Nunez", "--company", "Acme Robotics", input="n\n")
    assert r.exit_code == 1
    assert "Looks like #1 María José Núñez (Acme Robotics): same name at the same company" in r.output
    assert "Nothing added. See it with: namecards show 1" in r.output
    r = book("add", "--name", "Maria Jose Nunez", "--company", "Acme Robotics", input="y\n")
    assert r.exit_code == 0 and "Added #4" in r.output


def test_note_edit_in_the_editor(book, monkeypatch):
    note_id = json.loads(ok(book("note", "mario", "- espresso", "--json")).output)["note_id"]
    monkeypatch.setattr("click.edit", lambda text, **kw: text + "\n- cycling\n")
    r = ok(book("note", "mario", "--edit", str(note_id)))
    assert "1 points kept, 1 added, 0 removed" in r.output
    points = as_json(book("show", "mario", "--json"))["talking_points"]
    assert [p["text"] for p in points] == ["espresso", "cycling"]
