"""Export and import through the CLI, checked with real parsers."""

import csv
import email
import email.policy
import io
import json
from pathlib import Path

import pytest
import vobject

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture
def acme(cli):
    assert cli("event", "add", "Acme Robotics — second interview", "--date", "2026-12-03T09:30").exit_code == 0
    for args in (
        ["--name", "María López", "--title", "CTO", "--company", "Acme Robotics",
         "--email", "maria.lopez@acme.example", "--phone", "+55 11 2747-8430", "--role", "panel"],
        ["--name", "Jürgen Groß", "--title", "Head of Platform", "--company", "Acme Robotics",
         "--email", "jg@acme.example", "--role", "lunch"],
    ):
        r = cli("add", *args, "--event", "acme")
        assert r.exit_code == 0, r.output
    assert cli("note", "maria", "- leads the {{ROS 2}} migration\n- moved from Lyon last year").exit_code == 0
    assert cli("note", "jurgen", "- runs the platform on-call rota").exit_code == 0
    return cli


def test_vcard_export_round_trips_into_an_empty_home(acme, tmp_path, home):
    out = tmp_path / "contacts.vcf"
    r = acme("export", "vcard", "-o", str(out))
    assert r.exit_code == 0, r.output
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    assert sorted(c.fn.value for c in cards) == ["Jürgen Groß", "María López"]
    assert all(c.uid.value for c in cards)

    from click.testing import CliRunner

    from namecards.cli import cli as group

    other = tmp_path / "other-home"
    runner = CliRunner()
    r = runner.invoke(group, ["--home", str(other), "import", str(out)])
    assert r.exit_code == 0, r.output
    assert "2 added" in r.output
    rows = json.loads(runner.invoke(group, ["--home", str(other), "list", "--json"]).output)
    assert sorted((x["full_name"], x["email"]) for x in rows) == [
        ("Jürgen Groß", "jg@acme.example"), ("María López", "maria.lopez@acme.example")]
    # Importing the same file again changes nothing and says so.
    r = runner.invoke(group, ["--home", str(other), "import", str(out)])
    assert "0 added, 0 updated, 2 unchanged, 0 skipped" in r.output


def test_linkedin_import_twice_adds_nobody_twice(cli):
    r = cli("import", str(FIXTURES / "linkedin_connections.csv"), "--json")
    first = json.loads(r.output)
    # The fixture has one row without a name: skipped with its reason, the rest imported.
    assert r.exit_code == 0 and first["errors"] == []
    assert first["skipped"] == [{"name": None, "reason": "row 8: no name"}]
    assert first["format"] == "linkedin" and first["added"]
    r = cli("import", str(FIXTURES / "linkedin_connections.csv"))
    assert r.output.startswith(f"0 added, 0 updated, {len(first['added'])} unchanged, 1 skipped")
    assert "skipped (no name): row 8: no name" in r.output
    total = len(json.loads(cli("list", "--json").output))
    assert total == len(first["added"])
    # The profile URL is stored once, as the LinkedIn profile.
    shown = json.loads(cli("show", str(first["added"][0]["id"]), "--json").output)
    assert len(shown["linkedin"]) == 1 and shown["urls"] == [
        {"value": shown["linkedin"][0], "label": "linkedin"}]


def test_csv_export_neutralises_formulas_and_keeps_accents(acme, tmp_path):
    acme("add", "--name", "=HYPERLINK(\"http://x\")", "--force")
    out = tmp_path / "c.csv"
    assert acme("export", "csv", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    cells = [v for row in rows for v in row.values() if v]
    assert not [c for c in cells if c[0] in "=+-@"]
    assert any("María López" in c for c in cells)


def test_markdown_talking_points_for_an_event(acme):
    r = acme("export", "markdown", "--event", "acme")
    assert r.exit_code == 0, r.output
    text = r.output
    assert "Acme Robotics — second interview" in text
    assert "María López" in text and "moved from Lyon last year" in text
    assert "runs the platform on-call rota" in text


def test_letters_for_an_event_are_eml_drafts(acme, tmp_path):
    out = tmp_path / "drafts"
    r = acme("letters", "--event", "acme", "-o", str(out))
    assert r.exit_code == 0, r.output
    files = sorted(out.glob("*.eml"))
    assert len(files) == 2
    msgs = {str(m["To"]): m for m in (email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
                                       for f in files)}
    maria = next(m for to, m in msgs.items() if "maria.lopez@acme.example" in to)
    assert maria["X-Unsent"] == "1"
    body = maria.get_body(preferencelist=("plain",)).get_content()
    assert "María" in body and "ROS 2" in body


def test_ics_and_anki_exports(acme, tmp_path):
    import icalendar

    r = acme("export", "ics", "-o", str(tmp_path / "f.ics"), "--event", "acme")
    assert r.exit_code == 0, r.output
    cal = icalendar.Calendar.from_ical((tmp_path / "f.ics").read_bytes())
    todos = [c for c in cal.walk("VTODO")]
    assert len(todos) == 2 and str(todos[0]["DUE"].dt)[:10] == "2026-12-04"
    r = acme("export", "anki", "-o", str(tmp_path / "acme.apkg"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "acme.apkg").stat().st_size > 0
    assert acme("export", "anki").exit_code == 2


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\xff" * 50,
                                     b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trunc"])
def test_malformed_imports_are_one_line_errors_and_write_nothing(cli, tmp_path, content):
    bad = tmp_path / "bad.vcf"
    bad.write_bytes(content)
    r = cli("import", str(bad))
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert r.output.strip().startswith("namecards:") or "namecards:" in r.output
    assert json.loads(cli("list", "--json").output) == []
