"""The whole app driven with Pilot: dashboard, contacts, notes, letters, scan, review, stats, help.

Assertions are on the database afterwards and on the messages the screens posted.
"""

import asyncio
import json
import sys
import types

import pytest
from textual.widgets import DataTable, Input, TextArea
from textual.worker import WorkerFailed
from tui_sample import NOW, card_image, populate, steady_terminal

from namecards import drilling
from namecards.domain.contacts import get_contact, list_contacts
from tui.app import make_app
from tui.screens.contacts import ContactsScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.drill import DrillScreen
from tui.screens.letter import LetterScreen
from tui.screens.note import NoteScreen
from tui.screens.scan import ScanScreen
from tui.screens.scan_review import ScanReviewScreen

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def _steady(monkeypatch):
    steady_terminal(monkeypatch)


@pytest.fixture
def sample(store, tmp_path):
    return populate(store, tmp_path / "cards")


def run(app, scenario, messages=None):
    async def main():
        hook = messages.append if messages is not None else None
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space", "-": "minus", "\n": "enter", ",": "comma",
                           "@": "at", ".": "full_stop"}.get(ch, ch))


def fill(screen, values: dict) -> None:
    """Set text boxes directly: typing long text key by key only slows the tests down."""
    for selector, value in values.items():
        screen.query_one(selector, Input).value = value


def of(messages, kind):
    # A bubbling message is dispatched once per node it reaches: count each one once.
    seen, out = set(), []
    for m in messages:
        if isinstance(m, kind) and id(m) not in seen:
            seen.add(id(m))
            out.append(m)
    return out


def test_empty_home_opens_the_first_run_screen(store):
    app = make_app(store, now=NOW)

    async def scenario(pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.query_one("#first-run").display
        assert not screen.query_one("#agenda").display
        text = str(screen.query_one("#welcome").render())
        assert "sample_cards/interview" in text and "namecards scan" in text
        await pilot.press("s")
        assert isinstance(app.screen, ScanScreen)

    run(app, scenario)


def test_dashboard_lines_open_the_right_screens(store, sample):
    app = make_app(store, now=NOW)
    messages = []

    async def scenario(pilot):
        agenda = app.screen.query_one("#agenda")
        ids = [agenda.get_option_at_index(i).id for i in range(agenda.option_count)]
        assert ids.count("drill") == 1 and "review" in ids
        assert any(i and i.startswith("event:") for i in ids)
        assert sum(1 for i in ids if i and i.startswith("letter:")) == 2
        # Readiness before the interview is the mean predicted recall of its cards.
        label = str(agenda.get_option(next(i for i in ids if i and i.startswith("event:"))).prompt)
        assert "Acme Robotics" in label and "%" in label
        agenda.focus()
        agenda.highlighted = ids.index("review")
        await pilot.press("enter")
        assert isinstance(app.screen, ScanReviewScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        agenda.highlighted = next(i for i, x in enumerate(ids) if x and x.startswith("letter:"))
        await pilot.press("enter")
        assert isinstance(app.screen, LetterScreen)
        await pilot.press("escape")
        if hasattr(drilling, "build_queue"):  # the drill queue lands with the drill branch
            await pilot.press("d")
            assert isinstance(app.screen, DrillScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, DashboardScreen)

    run(app, scenario, messages)
    targets = [m.target for m in of(messages, DashboardScreen.Opened)]
    assert targets[0] == "review" and targets[1].startswith("letter:")


def test_search_as_you_type_and_filters(store, sample):
    app = make_app(store, now=NOW, start="contacts")

    async def scenario(pilot):
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        table = screen.query_one("#table", DataTable)
        assert table.row_count == 4
        await pilot.press("slash")
        await type_text(pilot, "sail")  # a talking point, found through FTS
        assert table.row_count == 1
        assert screen.contact["full_name"] == "María López"
        await pilot.press("ctrl+a", "ctrl+k")
        assert table.row_count == 4
        screen.query_one("#tag-filter").value = "recruiter"
        await pilot.pause()
        assert table.row_count == 1 and screen.contact["full_name"] == "Akira Tanaka"

    run(app, scenario)


def test_add_edit_tag_and_delete_a_contact(store, sample):
    app = make_app(store, now=NOW, start="contacts")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("a")
        # No name: the form says so in its own words (the CLI would name --name) and puts
        # the cursor in the Name field.
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = str(app.screen.query_one("#form-error").render())
        assert said == "a contact needs a name: fill in Name", said
        assert app.screen.focused.id == "f-full_name"
        await type_text(pilot, "Ana")  # typed into the focused name field
        fill(app.screen, {"#f-full_name": "Ana Souza", "#f-title": "Designer",
                          "#f-company": "Umbrella", "#f-emails": "ana@umbrella.example"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContactsScreen)
        assert screen.contact["full_name"] == "Ana Souza"
        await pilot.press("e")
        fill(app.screen, {"#f-title": "Lead Designer"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("t")
        fill(app.screen, {"#answer": "design, fair"})
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.press("n")  # changed my mind
        await pilot.pause()
        assert screen.contact["full_name"] == "Ana Souza"

    run(app, scenario, messages)
    ana = next(c for c in list_contacts(store) if c["full_name"] == "Ana Souza")
    contact = get_contact(store, ana["id"])
    assert contact["title"] == "Lead Designer" and contact["company"] == "Umbrella"
    assert [e["value"] for e in contact["emails"]] == ["ana@umbrella.example"]
    assert contact["tags"] == ["design", "fair"]
    assert [m.what for m in of(messages, ContactsScreen.Changed)] == ["added", "edited", "tagged"]

    async def delete(pilot):
        screen = app.screen
        screen.refresh_table(select=ana["id"])
        await pilot.press("x")
        await pilot.press("y")
        await pilot.pause()

    app = make_app(store, now=NOW, start="contacts")
    run(app, delete)
    assert ana["id"] not in {c["id"] for c in list_contacts(store)}
    assert len(list_contacts(store)) == 4


def test_note_editor_turns_bullets_into_talking_points_live(store, sample):
    app = make_app(store, now=NOW, start="contacts")
    messages = []

    async def scenario(pilot):
        app.screen.refresh_table(select=sample["jurgen"])
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, NoteScreen)
        await type_text(pilot, "Lab.\n- ")
        screen.query_one(TextArea).insert("builds the gripper\n- ran Berlin marathon")
        await pilot.pause()
        points = str(screen.query_one("#points-list").render())
        assert "builds the gripper" in points and "ran Berlin marathon" in points
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContactsScreen)

    run(app, scenario, messages)
    points = [p["text"] for p in get_contact(store, sample["jurgen"])["talking_points"]]
    assert points == ["builds the gripper", "ran Berlin marathon"]
    saved = of(messages, NoteScreen.Saved)
    assert saved and saved[0].points == points


def test_letter_composer_saves_copies_and_marks_sent(store, sample, tmp_path):
    app = make_app(store, now=NOW)
    messages = []
    out = tmp_path / "maria.eml"

    async def scenario(pilot):
        app.open("letter", contact_id=sample["maria"])
        await pilot.pause()
        screen = app.screen
        preview = screen.query_one("#draft").text
        assert "ROS 2 migration" in preview and "María" in preview
        await pilot.press("space")  # untick the first point
        await pilot.pause()
        assert "ROS 2" not in screen.query_one("#draft").text
        screen.query_one("#format").value = "eml"
        await pilot.pause()
        await pilot.press("ctrl+s")
        fill(app.screen, {"#answer": str(out)})
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c")
        await pilot.press("m")
        await pilot.pause()

    run(app, scenario, messages)
    data = out.read_bytes()
    import email
    import email.policy

    body = email.message_from_bytes(data, policy=email.policy.default).get_content()
    assert b"X-Unsent: 1" in data and "how you sail on weekends" in body and "ROS 2" not in body
    letters = list(store.db.query("select * from letters where contact_id = ?", [sample["maria"]]))
    assert len(letters) == 1 and letters[0]["format"] == "eml" and letters[0]["sent"]
    assert of(messages, LetterScreen.Saved)[0].path == str(out)
    assert of(messages, LetterScreen.Sent)[0].letter_id == letters[0]["id"]


def test_scan_review_accepts_corrections_and_stores_them(store, sample):
    app = make_app(store, now=NOW, start="review")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        assert isinstance(screen, ScanReviewScreen)
        first = screen.current
        assert first["full_name"] == "Akira Tanaka" and first["low_fields"] == ["company"]
        assert screen.query_one("#r-company").has_class("low")
        assert app.focused.id == "r-company"  # the doubtful field first
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "Globex Corporation\n")
        await pilot.pause()
        assert screen.current["full_name"] == "Zoe O Briain"
        await pilot.press("ctrl+n")  # skip comes back round
        await pilot.press("escape")

    run(app, scenario, messages)
    akira = get_contact(store, sample["akira"])
    assert akira["company"] == "Globex Corporation"
    scan = next(store.db.query("select * from scans where contact_id = ?", [sample["akira"]]))
    assert scan["reviewed"] == 1
    assert json.loads(scan["corrections"]) == {"company": "Globex Corporation"}
    accepted = of(messages, ScanReviewScreen.Accepted)
    assert [(m.contact_id, m.corrections) for m in accepted] == [
        (sample["akira"], {"company": "Globex Corporation"})]
    zoe = next(store.db.query("select * from scans where contact_id = ?", [sample["zoe"]]))
    assert zoe["reviewed"] == 0


def fake_ocr(monkeypatch, fail_on=()):
    """An `ocr` package stand-in: reads the name from the file name, fails on some files;
    "a+b.png" is a photo of two cards on a table."""
    module = types.ModuleType("ocr")

    class OcrError(Exception):
        pass

    def reading(stem):
        name = stem.replace("_", " ").title()
        fields = {"full_name": name, "emails": [f"{stem}@example.com"], "company": "Hooli"}
        return types.SimpleNamespace(
            fields=fields, confidence={"full_name": 0.9, "company": 0.4},
            raw_text=name, words=[], name_boxes=[], engine="fake",
            card_image=card_image([name]), seconds=0.0)

    def read_cards(paths, *, region=None, lang="eng", jobs=None, progress=None):
        for i, path in enumerate(paths, 1):
            if path.stem in fail_on:
                yield path, OcrError(f"{path.name}: not an image")
            elif "+" in path.stem:
                stems = path.stem.split("+")
                yield path, types.SimpleNamespace(
                    cards=[reading(s) for s in stems], problems=[],
                    corners=[[[0, 0], [1, 0], [1, 1], [0, 1]]] * len(stems))
            else:
                yield path, reading(path.stem)
            if progress:
                progress(i, len(paths))

    module.OcrError, module.read_cards = OcrError, read_cards
    monkeypatch.setitem(sys.modules, "ocr", module)


def test_scan_reads_a_folder_in_a_worker_and_files_contacts(store, tmp_path, monkeypatch):
    fake_ocr(monkeypatch, fail_on={"blurry"})
    folder = tmp_path / "photos" / "pile"
    folder.mkdir(parents=True)
    for name in ("gavin_belson", "blurry", "monica_hall"):
        card_image([name]).save(folder / f"{name}.png")
    app = make_app(store, now=NOW, start="scan", scan_root=tmp_path / "photos")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        assert isinstance(screen, ScanScreen)
        await pilot.press("down")  # the "pile" folder
        await pilot.press("a")
        assert screen.batch == [folder]
        screen.query_one("#event").value = "Hooli fair"
        await pilot.press("ctrl+s")
        # Only the scan worker: the directory tree keeps a loader worker alive.
        await app.workers.wait_for_complete([screen.scan_worker])
        await pilot.pause()
        assert screen.query_one("#results").row_count == 3
        assert "2 added" in str(screen.query_one("#summary").render())

    run(app, scenario, messages)
    names = sorted(c["full_name"] for c in list_contacts(store, event="Hooli fair"))
    assert names == ["Gavin Belson", "Monica Hall"]
    statuses = [m.result["status"] for m in of(messages, ScanScreen.CardRead)]
    assert sorted(statuses) == ["added", "added", "error"]
    assert of(messages, ScanScreen.Finished)[0].counts == {"added": 2, "error": 1}
    assert of(messages, ScanScreen.Progress)[-1].done == 3


def test_scan_progress_counts_images_and_the_cards_in_them(store, tmp_path, monkeypatch):
    fake_ocr(monkeypatch)
    folder = tmp_path / "photos" / "fair"
    folder.mkdir(parents=True)
    for name in ("gavin_belson+monica_hall+jared_dunn", "richard_hendricks"):
        card_image([name]).save(folder / f"{name}.png")
    app = make_app(store, now=NOW, start="scan", scan_root=tmp_path / "photos")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("down")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete([screen.scan_worker])
        await pilot.pause()
        assert screen.query_one("#results").row_count == 4

    run(app, scenario, messages)
    progress = [(m.done, m.total, m.cards) for m in of(messages, ScanScreen.Progress)]
    # A photo of three cards is one image of two: done never passes total.
    assert progress == [(0, 2, 0), (1, 2, 1), (1, 2, 2), (1, 2, 3), (2, 2, 4)]
    assert len(list_contacts(store)) == 4


def test_a_failing_scan_is_a_notification_not_a_crash(store, tmp_path, monkeypatch):
    module = types.ModuleType("ocr")  # an ocr package that cannot work at all
    monkeypatch.setitem(sys.modules, "ocr", module)
    (tmp_path / "photos").mkdir()
    card_image(["x"]).save(tmp_path / "photos" / "x.png")
    app = make_app(store, now=NOW, start="scan", scan_root=tmp_path / "photos")

    async def scenario(pilot):
        await pilot.press("down")
        await pilot.press("ctrl+s")
        with pytest.raises(WorkerFailed):
            await app.workers.wait_for_complete([app.screen.scan_worker])
        await pilot.pause()
        assert isinstance(app.screen, ScanScreen)
        assert any(n.severity == "error" for n in app._notifications)

    run(app, scenario)


def test_help_lists_every_binding_of_the_screen_with_ids(store, sample):
    app = make_app(store, now=NOW, start="contacts")

    async def scenario(pilot):
        await pilot.press("question_mark")
        table = app.screen.query_one("#keys", DataTable)
        ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert {"contacts.add", "contacts.delete", "contacts.search", "app.help",
                "app.quit", "app.stats"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, ContactsScreen)

    run(app, scenario)


def test_keymap_file_remaps_keys(store, sample, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "keymap.toml").write_text('"dashboard.contacts" = "k"\n')
    app = make_app(store, now=NOW)

    async def scenario(pilot):
        await pilot.press("c")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("k")
        assert isinstance(app.screen, ContactsScreen)

    run(app, scenario)


def test_command_palette_lists_the_main_actions(store, sample):
    app = make_app(store, now=NOW)

    async def scenario(pilot):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Contacts", "Scan cards", "Review scans", "Drill", "Stats", "Add contact"} <= set(titles)
        await pilot.press("f7")
        assert type(app.screen).__name__ == "StatsScreen"
        await pilot.press("f3")
        assert isinstance(app.screen, ContactsScreen)
        assert len(app.screen_stack) == 3  # places replace each other above the dashboard

    run(app, scenario)


def test_merge_two_records_choosing_fields(store, sample):
    from namecards.domain.contacts import add_contact
    from tui.screens.merge import MergeScreen

    dupe = add_contact(store, "Maria Lopez", title="Chief Technology Officer",
                       company="Acme", emails=["mlopez@gmail.example"], force=True)
    app = make_app(store, now=NOW, start="contacts")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        screen.refresh_table(select=sample["maria"])
        await pilot.press("m")  # mark María López
        screen.refresh_table(select=dupe)
        await pilot.press("m")  # and merge the other record into her
        merge = app.screen
        assert isinstance(merge, MergeScreen)
        await pilot.press("down", "right")  # take the longer title from the duplicate
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, ContactsScreen)

    run(app, scenario, messages)
    ids = {c["id"] for c in list_contacts(store)}
    assert dupe not in ids and sample["maria"] in ids
    maria = get_contact(store, sample["maria"])
    assert maria["full_name"] == "María López" and maria["title"] == "Chief Technology Officer"
    assert maria["company"] == "Acme Robotics"
    assert {e["value"] for e in maria["emails"]} == {"maria@acme.example", "mlopez@gmail.example"}
    assert [(m.kept, m.merged) for m in of(messages, MergeScreen.Merged)] == [(sample["maria"], dupe)]


def test_briefing_opens_from_the_dashboard(store, sample):
    from tui.screens.briefing import BriefingScreen

    app = make_app(store, now=NOW)

    async def scenario(pilot):
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)

    run(app, scenario)


def test_markup_in_user_data_is_shown_as_text(store):
    from namecards.domain.contacts import add_contact, add_note

    odd = add_contact(store, "[/] [b]Bobby[/b] [link=x]", company="[red]Acme[/]",
                      event="[/event]", tags=["[tag]"])
    add_note(store, odd, "- likes [i]italics[/i] and \\[escapes]")
    app = make_app(store, now=NOW, start="contacts")

    async def scenario(pilot):
        screen = app.screen
        assert screen.contact["id"] == odd
        assert "[b]Bobby[/b]" in str(screen.query_one("#info").render())
        await pilot.press("question_mark")
        await pilot.press("escape")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LetterScreen)

    run(app, scenario)


def test_palette_exports_imports_and_adds_events(store, sample, tmp_path):
    from tui import exchange

    out = tmp_path / "all.vcf"
    app = make_app(store, now=NOW)
    messages = []

    async def scenario(pilot):
        exchange.ask_export(app, "vcard")
        await pilot.pause()
        fill(app.screen, {"#answer": str(out)})
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        exchange.ask_event(app)
        await pilot.pause()
        fill(app.screen, {"#answer": "Globex onsite @ 2026-12-10T14:00"})
        await pilot.press("enter")
        await pilot.pause()
        exchange.ask_import(app)
        await pilot.pause()
        fill(app.screen, {"#answer": str(tmp_path / "missing.csv")})
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.severity == "error" and "no such file" in n.message
                   for n in app._notifications)
        assert isinstance(app.screen, DashboardScreen)

    run(app, scenario, messages)
    assert out.read_text().count("BEGIN:VCARD") == 4
    from namecards.domain.events import get_event

    assert get_event(store, "Globex onsite")["date"] == "2026-12-10T14:00"
    from tui.exchange import ExchangeDone

    assert [m.kind for m in of(messages, ExchangeDone)] == ["export", "event"]


def test_rescan_reads_the_card_again_in_a_worker(store, sample, monkeypatch):
    module = types.ModuleType("ocr")
    seen = {}

    def read_card(path, *, region=None, lang="eng"):
        seen.update(region=region, lang=lang)
        return types.SimpleNamespace(
            fields={"full_name": "Akira Tanaka", "company": "Globex Corporation",
                    "emails": ["akira@globex.example"], "phones": ["+81 3-1234-5678"]},
            confidence={"full_name": 0.99, "company": 0.95}, raw_text="", words=[],
            name_boxes=[], engine="fake", card_image=None, seconds=0.0)

    module.read_card = read_card
    monkeypatch.setitem(sys.modules, "ocr", module)
    app = make_app(store, now=NOW, start="review")
    messages = []

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("ctrl+r")
        fill(app.screen, {"#answer": "JP jpn+eng"})
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [n.message for n in app._notifications if n.severity == "error"]
        assert screen.query_one("#r-company").value == "Globex Corporation"
        assert not screen.query_one("#r-company").has_class("low")
        await pilot.press("enter")
        await pilot.pause()

    run(app, scenario, messages)
    assert seen == {"region": "JP", "lang": "jpn+eng"}
    assert get_contact(store, sample["akira"])["company"] == "Globex Corporation"
    assert [m.scan["id"] for m in of(messages, ScanReviewScreen.Rescanned)]


def test_stats_show_the_review_history_and_the_hardest_cards(store, sample):
    from textual.widgets import Sparkline

    app = make_app(store, now=NOW, start="stats")

    async def scenario(pilot):
        screen = app.screen
        per_day = screen.query_one(Sparkline).data
        assert len(per_day) == 30 and sum(per_day) == store.db["reviews"].count
        table = screen.query_one("#hardest", DataTable)
        assert "Jürgen" in str(table.get_row_at(0)[0])
        await pilot.press("d")
        assert isinstance(app.screen, DrillScreen)

    run(app, scenario)
