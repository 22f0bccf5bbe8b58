"""SVG snapshots of every screen at 100x32 with the deterministic sample data (fixed clock)."""

import pytest
from textual.widgets import TextArea
from tui_sample import NOW, card_image, populate, steady_terminal

from tui.app import make_app

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def _steady(monkeypatch):
    steady_terminal(monkeypatch)
    # Screens show the config path (keymap, sign-off): keep it the same on every run.
    monkeypatch.setenv("NAMECARDS_CONFIG", "/nonexistent/namecards")


@pytest.fixture
def sample(store, tmp_path):
    return populate(store, tmp_path / "cards")


def test_first_run(snap_compare, store):
    assert snap_compare(make_app(store, now=NOW), terminal_size=SIZE)


def test_dashboard(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW), terminal_size=SIZE)


def test_contacts_with_card_image(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="contacts"), terminal_size=SIZE)


def test_contacts_search(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="contacts"), terminal_size=SIZE,
                        press=["slash", "r", "o", "s"])


def test_contacts_at_80x24(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="contacts"), terminal_size=(80, 24),
                        press=["down", "down"])


def test_note_editor(snap_compare, store, sample):
    app = make_app(store, now=NOW)

    async def open_note(pilot):
        app.open("note", contact_id=sample["jurgen"])
        await pilot.pause()
        app.screen.query_one("#note-text", TextArea).text = (
            "Showed us the lab.\n- builds the gripper\n- ran the Berlin marathon\n")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_note)


def test_letter_composer(snap_compare, store, sample):
    app = make_app(store, now=NOW)

    async def open_letter(pilot):
        app.open("letter", contact_id=sample["maria"])
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_letter)


def test_scan(snap_compare, store, tmp_path):
    folder = tmp_path / "photos" / "acme"
    folder.mkdir(parents=True)
    for name in ("maria", "jurgen"):
        card_image([name]).save(folder / f"{name}.jpg")
    app = make_app(store, now=NOW, start="scan", scan_root=tmp_path / "photos")

    async def loaded(pilot):
        tree = app.screen.query_one("#tree")
        while not tree.root.children:  # the tree lists the folder in its own worker
            await pilot.pause()
        await pilot.press("down", "a")

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_scan_review(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="review"), terminal_size=SIZE)


def test_stats(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="stats"), terminal_size=SIZE)


def test_help(snap_compare, store, sample):
    assert snap_compare(make_app(store, now=NOW, start="contacts"), terminal_size=SIZE,
                        press=["question_mark"])


def test_merge(snap_compare, store, sample):
    from namecards.domain.contacts import add_contact

    dupe = add_contact(store, "Maria Lopez", title="Chief Technology Officer",
                       emails=["mlopez@gmail.example"], force=True)
    app = make_app(store, now=NOW, start="contacts")

    async def open_merge(pilot):
        from tui.screens.merge import MergeScreen

        app.push_screen(MergeScreen(sample["maria"], dupe))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_merge)


def test_dashboard_light_theme(snap_compare, store, sample):
    app = make_app(store, now=NOW)

    async def light(pilot):
        app.theme = "textual-light"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=light)


def test_letter_editor_with_an_edit(snap_compare, store, sample):
    """The composer is an editor: the draft with the user's edit, marked edited."""
    app = make_app(store, now=NOW)

    async def edit_letter(pilot):
        app.open("letter", contact_id=sample["maria"])
        await pilot.pause()
        editor = app.screen.query_one("#draft")
        editor.focus()
        editor.move_cursor((0, 0))
        editor.insert("P.S. first: ")
        editor.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=edit_letter)
