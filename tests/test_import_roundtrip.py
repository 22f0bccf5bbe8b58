"""What we export comes back whole, and different people stay different people."""

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, truth

from namecards.cli import cli as group
from namecards.clock import FixedClock
from namecards.domain.contacts import add_contact, add_note, get_contact, search_contacts
from namecards.domain.deck import answer_card
from namecards.services.exchange import export_contacts, import_contacts
from namecards.store import open_store

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
SWITCHBOARD = "+1 510 555 0100"


def run(home: Path, *args, input=None):
    return CliRunner().invoke(group, ["--home", str(home), *args], input=input)


def interview_day(store) -> list[int]:
    """The twelve people of sample_cards/interview, filed as a scan files them (the card's
    website also kept as a URL), all sharing the company's switchboard and info@ mailbox."""
    people = [truth()[f"card_{n:03d}"] for n in range(1, 13)]
    ids = []
    for t in people:
        ids.append(add_contact(
            store, t["full_name"], title=t["title"], company=t["company"],
            emails=t["emails"] + ["info@acme-robotics.com"],
            phones=t["phones"] + [SWITCHBOARD], website=t["website"],
            urls=[t["website"], "https://www.acme-robotics.com"], address=t["address"],
            given_name=t["given_name"], family_name=t["family_name"], event="Interview day",
            force=True))
    return ids


@pytest.mark.parametrize("fmt", ["vcard", "csv", "json"])
def test_colleagues_sharing_a_website_switchboard_and_info_stay_twelve_people(store, tmp_path,
                                                                              fmt):
    interview_day(store)
    out = tmp_path / f"day.{fmt}"
    export_contacts(store, fmt, output=str(out))
    other = tmp_path / "empty-home"
    r = run(other, "import", str(out))
    assert r.exit_code == 0, r.output
    assert r.output.startswith("12 added, 0 updated, 0 unchanged, 0 skipped")
    rows = json.loads(run(other, "list", "--json").output)
    assert sorted(x["full_name"] for x in rows) == sorted(
        truth()[f"card_{n:03d}"]["full_name"] for n in range(1, 13))
    with open_store(other) as back:
        for row in rows:
            c = get_contact(back, row["id"])
            assert len(c["emails"]) == 2 and len(c["phones"]) <= 3
    r = run(other, "import", str(out))
    assert r.output.startswith("0 added, 0 updated, 12 unchanged, 0 skipped"), r.output
    # The shared line and mailbox make no pair either.
    assert json.loads(run(other, "dedupe", "--json").output)["pairs"] == []


def test_namesakes_at_one_company_are_two_people_to_confirm(cli, tmp_path, home):
    people = tmp_path / "people.csv"
    people.write_text(
        "Name,Company,Title,Email\n"
        "John Smith,Google,Staff Engineer,john.smith@gmail.com\n"
        "John Smith,Google,Recruiter,jsmith@google.com\n", encoding="utf-8")
    r = cli("import", str(people))
    assert r.exit_code == 0, r.output
    assert r.output.startswith("2 added, 0 updated, 0 unchanged")
    assert "#2 John Smith may be #1 John Smith (Google): same name at the same company; " \
           "different personal e-mails. If so: namecards merge 1 2" in r.output
    titles = sorted(x["title"] for x in json.loads(cli("list", "--json").output))
    assert titles == ["Recruiter", "Staff Engineer"]
    [pair] = json.loads(cli("dedupe", "--json").output)["pairs"]
    assert not pair["certain"] and "different personal e-mails" in pair["reasons"]
    assert cli("dedupe", "--apply").exit_code == 0
    assert len(json.loads(cli("list", "--json").output)) == 2

    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ana,Silva,https://www.linkedin.com/in/ana-silva-1,,Initech,CTO,12 Mar 2024\n"
        "Ana,Silva,https://www.linkedin.com/in/ana-silva-2,,Initech,Designer,13 Mar 2024\n",
        encoding="utf-8")
    r = cli("import", str(linkedin))
    assert r.output.startswith("2 added"), r.output
    anas = [x for x in json.loads(cli("list", "--json").output) if x["full_name"] == "Ana Silva"]
    assert sorted(x["title"] for x in anas) == ["CTO", "Designer"]


def test_a_scan_of_someone_imported_from_linkedin_updates_her_with_the_card_spelling(
        cli, tmp_path, run_installed):
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Maria,Lopez,https://www.linkedin.com/in/maria-lopez,,Acme Robotics,,1 Dec 2026\n",
        encoding="utf-8")
    assert cli("import", str(linkedin)).exit_code == 0
    r = run_installed("scan", str(SAMPLES / "interview" / "card_001.jpg"), "--json")
    assert r.returncode == 0, r.stderr
    [result] = [json.loads(line) for line in r.stdout.splitlines()]
    assert result["status"] == "updated" and result["contact_id"] == 1
    [row] = json.loads(cli("list", "--json").output)
    assert row["full_name"] == "María López" and row["email"] == "maria@acme-robotics.com"


def rich_store(store) -> None:
    store.clock = FixedClock(T0)
    run(store.home, "event", "add", "Acme — second interview", "--date", "2026-11-20T09:30",
        "--company", "Acme Robotics")
    maria = add_contact(store, "María López", title="CTO", company="Acme Robotics",
                        emails=["maria@acme.example"], phones=["+55 11 2747-8430"],
                        urls=["linkedin.com/in/maria-lopez"], event="Acme — second interview",
                        role="panel interviewer", tags=["acme", "hiring"],
                        pronunciation="ma-REE-a", mnemonic="runs marathons")
    add_contact(store, "Jürgen Groß", company="Acme Robotics", emails=["jg@acme.example"],
                event="Lunch", role="lunch")
    add_note(store, maria, "Met at the panel.\n- leads the {{ROS 2}} migration\n- moved from Lyon",
             event="Acme — second interview")
    add_note(store, "jurgen", "- runs the on-call rota")
    store.db["letters"].insert({"contact_id": maria, "template": "thank-you", "format": "txt",
                                "subject": "Thank you", "body": "Dear María, thanks!",
                                "created": "2026-11-21T08:00:00+00:00"})
    for minutes, rating in ((0, 1), (10, 3)):
        card = next(store.db.query(
            "select id from drill_cards where contact_id = ? and kind = 'name'", [maria]))["id"]
        answer_card(store, card, rating=rating, now=T0 + timedelta(minutes=minutes))


def comparable(store) -> list[dict]:
    """Every contact as `show --json` gives it, without what differs between two stores by
    nature (row ids, scan files)."""
    out = []
    for row in store.db.query("select id from contacts order by full_name"):
        c = get_contact(store, row["id"])
        events = {e["id"]: e["name"] for e in c["events"]}
        text = json.dumps(c, default=str, sort_keys=True)
        c = json.loads(text)
        for key in ("id", "scans"):
            c.pop(key)
        for e in c["events"]:
            e.pop("id")
        for item in c["notes"] + c["talking_points"] + c["removed_points"] + c["letters"]:
            item["event"] = events.get(item.pop("event_id", None))
            for key in ("id", "note_id"):
                item.pop(key, None)
        c["drill"] = [(i["kind"], i["reviews"], i["last_rating"], i["suspended"])
                      for i in c["drill"]["items"]]
        out.append(c)
    return out


def test_json_export_comes_back_whole_and_again_unchanged(store, tmp_path):
    rich_store(store)
    out = tmp_path / "backup.json"
    r = run(store.home, "export", "json", "--drill", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["version"] == 2
    other = tmp_path / "other"
    r = run(other, "import", str(out))  # no --format: it knows its own file
    assert r.exit_code == 0, r.output
    assert r.output.startswith("2 added, 0 updated, 0 unchanged, 0 skipped (json)")
    with open_store(other) as back:
        assert comparable(back) == comparable(store)
        maria = get_contact(back, 1 if get_contact(back, 1)["full_name"] == "María López" else 2)
        assert maria["events"][0]["role"] == "panel interviewer"
        assert maria["drill"]["reviews"] == 2
    r = run(other, "import", str(out))
    assert r.output.startswith("0 added, 0 updated, 2 unchanged"), r.output
    r = run(store.home, "import", str(out))
    assert r.output.startswith("0 added, 0 updated, 2 unchanged"), r.output


@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_vcard_and_csv_bring_notes_and_points_back(store, tmp_path, fmt):
    rich_store(store)
    out = tmp_path / f"contacts.{fmt}"
    assert run(store.home, "export", fmt, "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "{{" not in text and "leads the ROS 2 migration" in text
    other = tmp_path / "other"
    r = run(other, "import", str(out))
    assert r.output.startswith("2 added"), r.output
    with open_store(other) as back:
        [maria] = [get_contact(back, r["id"]) for r in back.db.query(
            "select id from contacts where full_name = 'María López'")]
        assert [n["text"] for n in maria["notes"]] == [
            "Met at the panel.\n- leads the ROS 2 migration\n- moved from Lyon"]
        assert [p["text"] for p in maria["talking_points"]] == [
            "leads the ROS 2 migration", "moved from Lyon"]
        assert maria["tags"] == ["acme", "hiring"] and maria["title"] == "CTO"
        assert maria["linkedin"] == ["https://www.linkedin.com/in/maria-lopez"]
    r = run(other, "import", str(out))
    assert r.output.startswith("0 added, 0 updated, 2 unchanged"), r.output
    # Into the store it came from: every note and point is recognised, cloze marks aside.
    r = run(store.home, "import", str(out))
    assert r.output.startswith("0 added, 0 updated, 2 unchanged"), r.output


def test_national_numbers_take_the_region_and_a_dropped_phone_is_shown(cli, tmp_path):
    people = tmp_path / "br.csv"
    people.write_text("Name,Phone\nAna Souza,(11) 2747-8430\nBeto Lima,12\n", encoding="utf-8")
    r = cli("import", str(people))
    assert r.exit_code == 1
    assert re.search(r"#1 Ana Souza: dropped phone '\(11\) 2747-8430' \(not a phone number; "
                     r"numbers without \+CC need --region CC\)", r.output)
    r = cli("import", str(people), "--region", "BR")
    assert "#1 Ana Souza" not in r.output and "Beto Lima: dropped phone '12'" in r.output
    ana = json.loads(cli("show", "ana", "--json").output)
    assert [p["value"] for p in ana["phones"]] == ["+551127478430"]
    assert cli("import", str(people), "--region", "XX").exit_code == 2


def test_cloze_marks_stay_out_of_show_exports_and_snippets(store, tmp_path):
    rich_store(store)
    shown = run(store.home, "show", "maria").output
    assert "leads the ROS 2 migration" in shown and "{{" not in shown
    for fmt in ("vcard", "csv", "markdown", "ics"):
        text = run(store.home, "export", fmt).output
        assert "{{" not in text and "}}" not in text, fmt
    [hit] = search_contacts(store, "ros")
    assert hit["snippet"] and "{{" not in hit["snippet"] and "[ROS]" in hit["snippet"]


def test_people_met_at_an_undated_event_get_a_follow_up(cli, tmp_path):
    import icalendar

    for name in ("Ana Silva", "Ben Okafor"):
        assert cli("add", "--name", name, "--event", "Career fair").exit_code == 0
    out = tmp_path / "f.ics"
    r = cli("export", "ics", "-o", str(out))
    assert r.exit_code == 0 and "Exported 2 follow-up(s) for 2 contact(s)" in r.output
    todos = list(icalendar.Calendar.from_ical(out.read_bytes()).walk("VTODO"))
    assert len(todos) == 2
    assert cli("add", "--name", "Cleo Nobody").exit_code == 0
    r = cli("export", "ics", "--tag", "none-such", "-o", str(out))
    assert r.exit_code == 0 and "Nothing exported: no contact matches" in r.output


def test_vcf_files_of_colliding_uids_never_overwrite_each_other(store, tmp_path):
    src = tmp_path / "in.vcf"
    long_uid = "x" * 200
    src.write_text("".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nEND:VCARD\r\n"
        for uid, name in (("team/alice", "Alice One"), ("team:alice", "Alice Two"),
                          (long_uid + "a", "Long A"), (long_uid + "b", "Long B"),
                          ("Team_Alice", "Alice Three"))), encoding="utf-8")
    assert import_contacts(store, str(src))["counts"]["added"] == 5
    folder = tmp_path / "vdir"
    export_contacts(store, "vcard", vdir=str(folder))
    files = sorted(folder.iterdir())
    assert len(files) == 5 and len({f.name.lower() for f in files}) == 5
    assert all(len(f.name) <= 140 for f in files)
    names = sorted(re.search(r"FN:(.*)\r\n", f.read_bytes().decode()).group(1) for f in files)
    assert names == ["Alice One", "Alice Three", "Alice Two", "Long A", "Long B"]


def test_library_import_errors_name_no_flags_and_the_cli_adds_them(cli, store, tmp_path,
                                                                    monkeypatch):
    """The library says what is wrong; only the CLI names the option that helps."""
    from namecards.errors import InvalidValue
    from namecards.services import exchange

    people = tmp_path / "de.csv"
    people.write_text("Name,Phone\nAna Souza,030 1234567\n", encoding="utf-8")
    with pytest.raises(InvalidValue) as bad:
        import_contacts(store, str(people), region="XX")
    assert "--" not in str(bad.value) and bad.value.value == "XX"
    r = cli("import", str(people), "--region", "XX")
    assert r.exit_code == 2
    assert "--region takes a two-letter country code like BR or DE, not 'XX'" in r.output
    report = import_contacts(store, str(people), dry_run=True)
    assert not any("--" in d for d in report["added"][0]["dropped"])
    r = cli("import", str(people), "--dry-run", "--json")
    assert "numbers without +CC need --region CC" in r.output
    big = tmp_path / "big.json"
    big.write_text('{"contacts": []}', encoding="utf-8")
    monkeypatch.setattr(exchange, "MAX_JSON_BYTES", 4)
    with pytest.raises(exchange.TooLargeForJson) as large:
        import_contacts(store, str(big))
    assert "--" not in str(large.value)
    r = cli("import", str(big))
    assert r.exit_code == 1 and "export in parts (--event, --tag) or use namecards backup" \
        in r.output
