"""The one-page briefing: rendered for a sample event with every expected person and question,
as Markdown and as self-contained HTML (card thumbnails inlined), from the CLI and in the TUI's
Briefing screen; the HTML opened in headless Chromium (slow)."""

import asyncio
import base64
import io
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from PIL import Image, ImageDraw

from namecards.domain.companies import link_contact_to_company
from namecards.domain.contacts import add_contact, add_note, update_contact
from namecards.domain.dossier import add_dossier
from namecards.domain.events import add_event
from namecards.domain.questions import add_question, mark_asked
from namecards.services.briefing import build_briefing, render_briefing, write_briefing

EVENT = "Acme Robotics — second interview"
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)
PEOPLE = ("María López", "Jürgen Groß", "Zoë Ó Briain", "Akira Tanaka")
QUESTIONS = ("How is on-call organised?", "What would success look like after six months?",
             "Which customers use the Lyon fleet?")
CHROMIUM = "/usr/bin/chromium"


def card_image(store, contact_id: int, text: str) -> None:
    image = Image.new("RGB", (900, 520), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 890, 510], outline=(20, 40, 120), width=8)
    draw.text((60, 80), text, fill="black")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    sha, rel = store.save_image(buf.getvalue(), ".png")
    store.db["scans"].insert({"sha256": sha, "path": rel, "card_path": rel,
                              "contact_id": contact_id, "created": "2026-11-26T10:00:00+00:00"})


@pytest.fixture
def acme(store):
    add_event(store, EVENT, date="2026-12-03T09:30", company="Acme Robotics")
    roles = ("panel interviewer", "hiring manager", "lunch", "team tour")
    ids = [add_contact(store, name, title="Engineer", company="Acme Robotics", event=EVENT,
                       role=role) for name, role in zip(PEOPLE, roles)]
    update_contact(store, ids[0], {"pronunciation": "ma-REE-a LO-pes", "title": "CTO"})
    card_image(store, ids[0], "María López · CTO · Acme Robotics")
    add_note(store, "maria", "- leads the {{ROS 2}} migration\n- has a dog named Pixel")
    insider = add_contact(store, "Ines Ruiz", title="Engineer", event="RoboCon fair")
    link_contact_to_company(store, "Acme Robotics", str(insider), relation="insider")
    add_dossier(store, "Acme Robotics", "- biggest customer is {{the city of Lyon}}\n"
                "- announced a Rust rewrite in October", source="Le Monde", noted="2026-11-20")
    for text in QUESTIONS:
        add_question(store, text, event="acme")
    mark_asked(store, 1, answer="two-week rotations", contact="jurgen")
    return ids


def test_briefing_names_every_person_and_question(store, acme):
    data = build_briefing(store, "acme", now=NOW)
    assert [p["full_name"] for p in data["people"]] == list(PEOPLE)
    assert data["event"]["when"] == "Thursday 3 December 2026, 09:30"
    md = render_briefing(data, "md")
    for name in PEOPLE:
        assert f"### {name}" in md
    for text in QUESTIONS:
        assert text in md
    assert "- [x] How is on-call organised? — two-week rotations (Jürgen Groß)" in md
    assert "say “ma-REE-a LO-pes”" in md
    assert "- leads the ROS 2 migration" in md  # cloze markers are for drilling only
    assert "biggest customer is the city of Lyon _(Le Monde, 2026-11-20)_" in md
    assert "Ines Ruiz (Engineer) — insider" in md
    assert "## Readiness at Thursday 3 December 2026, 09:30" in md
    assert "drill: namecards drill --event acme (4 names below 0.95)" in md


def test_html_briefing_is_self_contained_with_card_thumbnails(store, acme, tmp_path):
    out = tmp_path / "acme.html"
    html = write_briefing(store, "acme", fmt="html", output=str(out), now=NOW)
    assert out.read_text(encoding="utf-8") == html
    for name in PEOPLE:
        assert name in html
    for text in QUESTIONS:
        assert text in html
    assert html.count('src="data:image/jpeg;base64,') == 1  # only María's card was scanned
    uri = html.split('src="data:image/jpeg;base64,')[1].split('"')[0]
    thumb = Image.open(io.BytesIO(base64.b64decode(uri)))
    assert thumb.width == 240
    assert "http://" not in html and "https://" not in html  # nothing fetched from anywhere


def test_user_text_is_escaped_in_html(store, acme):
    add_question(store, "<script>alert(1)</script>", event="acme")
    html = render_briefing(build_briefing(store, "acme", now=NOW), "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_brief_command(cli, store, acme, tmp_path):
    r = cli("brief", "--event", "acme")
    assert r.exit_code == 0, r.output
    for name in PEOPLE:
        assert name in r.output
    out = tmp_path / "b.html"
    r = cli("brief", "--event", "acme", "-o", str(out))
    assert r.exit_code == 0 and out.read_text().startswith("<!doctype html>")
    out_md = tmp_path / "b.txt"
    assert cli("brief", "--event", "acme", "-o", str(out_md), "--format", "md").exit_code == 0
    assert out_md.read_text().startswith("# Briefing — " + EVENT)
    r = cli("brief", "--event", "nope")
    assert r.exit_code == 1 and "no event matches" in r.output
    r = cli("brief")  # the next upcoming event
    assert r.exit_code == 0 and r.output.startswith("# Briefing — " + EVENT)


def test_briefing_screen(store, acme):
    from textual.widgets import Static

    from tui.app import make_app
    from tui.screens.briefing import BriefingScreen

    async def scenario():
        app = make_app(store, now=NOW)
        async with app.run_test(size=(110, 60)) as pilot:
            await pilot.pause()
            home = app.screen
            await app.push_screen(BriefingScreen(store, "acme"))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BriefingScreen)
            for pid, name in zip(acme, PEOPLE):
                assert name in str(screen.query_one(f"#person-{pid}", Static).render())
            maria = str(screen.query_one(f"#person-{acme[0]}", Static).render())
            assert "ma-REE-a LO-pes" in maria and "leads the ROS 2 migration" in maria
            questions = str(screen.query_one("#questions", Static).render())
            for text in QUESTIONS:
                assert text in questions
            assert "the city of Lyon" in str(screen.query_one("#facts", Static).render())
            assert "Not ready yet" in str(screen.query_one("#schedule", Static).render())
            # A question added elsewhere shows after a refresh.
            add_question(store, "Who owns the Rust rewrite?", event="acme")
            await pilot.press("r")
            await pilot.pause()
            assert "Who owns the Rust rewrite?" in str(
                screen.query_one("#questions", Static).render())
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is home

    asyncio.run(scenario())


def test_briefing_screen_opens_the_next_event_and_drills_it(store, acme):
    """From the briefing, d drills the event: its people, then the company facts, all graded
    and saved like any card; back on the briefing the recall has moved."""
    from textual.widgets import Static

    from tui.app import make_app
    from tui.screens.briefing import BriefingScreen
    from tui.screens.drill import DrillScreen

    add_event(store, "Old chat", date="2026-01-05", company="Initech")

    async def scenario():
        app = make_app(store, now=NOW)
        async with app.run_test(size=(110, 40)) as pilot:
            await pilot.pause()
            await app.push_screen(BriefingScreen())  # no event: the next one is Acme's
            await pilot.pause()
            briefing = app.screen
            assert briefing.data["event"]["name"] == EVENT
            await pilot.press("d")
            await pilot.pause()
            drill = app.screen
            assert isinstance(drill, DrillScreen)
            kinds = []
            for _ in range(60):
                prompt = drill.prompt
                if prompt is None:
                    break
                kinds.append(prompt["kind"])
                if prompt["typed"]:  # a blank answer is graded Again; enough here
                    await pilot.press("enter")
                    await pilot.pause()
                    await pilot.press("enter")
                else:
                    await pilot.press("space")
                    await pilot.press("3")
                await pilot.pause()
            assert "fact" in kinds and "name" in kinds
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is briefing
            assert "recall" in str(briefing.query_one(f"#person-{acme[0]}", Static).render())
        return kinds

    kinds = asyncio.run(scenario())
    facts = store.db.execute(
        "select count(*) from reviews join drill_cards on drill_cards.id = reviews.card_id "
        "where drill_cards.kind = 'fact'").fetchone()[0]
    assert facts == kinds.count("fact") == 2


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium package")
def test_html_briefing_renders_in_headless_chromium(store, acme, tmp_path):
    page = tmp_path / "acme.html"
    write_briefing(store, "acme", fmt="html", output=str(page), now=NOW)
    shot = tmp_path / "acme.png"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    run = subprocess.run([*flags, "--window-size=1000,1400", f"--screenshot={shot}",
                          page.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    image = Image.open(shot).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 2_000, "the screenshot is blank"
    # The browser parsed the page: the DOM it built holds every person and question.
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0
    for text in (*PEOPLE, *QUESTIONS):
        assert text in dom.stdout
    assert 'id="ready"' in dom.stdout
    # And it prints on one A4 page.
    pdf = tmp_path / "acme.pdf"
    printed = subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                              page.as_uri()], capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and pdf.exists()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == 1


def test_the_day_before_the_briefing_lists_who_you_know_at_the_company(cli, store):
    """Walkthrough step 3: an event and some imported connections, nothing else yet."""
    cli("event", "add", EVENT, "--date", "2026-12-03T09:30", "--company", "Acme Robotics")
    add_contact(store, "Ines Ruiz", title="Robotics Engineer", company="Acme Robotics")
    add_contact(store, "Jo Park", title="Technical Recruiter", company="Acme Robotics Inc.")
    r = cli("brief", "--event", "acme")
    assert r.exit_code == 0, r.output
    assert "Nobody linked to this event yet" in r.output
    assert "## Also at Acme Robotics" in r.output
    assert "Ines Ruiz (Robotics Engineer) — insider" in r.output
    assert "Jo Park (Technical Recruiter) — recruiter" in r.output
    assert store.db["companies"].count == 0  # reading the briefing creates nothing


def test_the_preparation_modules_load_no_textual():
    code = ("import sys, namecards.domain.companies, namecards.domain.dossier, namecards.domain.questions, "
            "namecards.domain.practice, namecards.services.briefing, namecards.services.readiness, namecards.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'textual'" not in out.stdout and "'tui'" not in out.stdout
