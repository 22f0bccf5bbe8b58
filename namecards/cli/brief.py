"""Commands for before the interview: companies, dossier, questions to ask, practised answers,
the one-page briefing and the readiness check."""

from __future__ import annotations

import sys

import click

from namecards.cli.main import cli, event_option, json_option, print_json, with_store


class _TextCommand(click.Command):
    """Text that starts with "- " (a fact, a key point) is an argument, never an option."""

    def parse_args(self, ctx, args):
        texts = [a for a in args if a.startswith(("- ", "-\n", "* ")) or "\n" in a]
        if texts:
            args = [a for a in args if a not in texts] + ["--"] + texts
        return super().parse_args(ctx, args)


def _read_text(text: str, what: str) -> str:
    """TEXT as given, "-" for standard input; a literal "\\n" typed in a shell is a newline."""
    if text == "-":
        if sys.stdin.isatty():
            click.echo(f"Type {what}, one '- ' line each; Ctrl-D to save.", err=True)
        return sys.stdin.read()
    if "\n" not in text and "\\n" in text:
        return text.replace("\\n", "\n")
    return text


def _pct(value) -> str:
    from namecards.services.readiness import format_recall

    return format_recall(value)


# ---------------------------------------------------------------- companies


@cli.group()
def company():
    """Companies: their record and everyone you know there.

    \b
    Example:
      namecards company add "Acme Robotics" --domain acme.example --industry robotics
      namecards company show acme
    """


@company.command("add")
@click.argument("name")
@click.option("--domain", "domains", multiple=True, help="Web or e-mail domain, e.g. acme.example.")
@click.option("--industry")
@click.option("--notes")
@json_option
@with_store
def company_add(store, name, domains, industry, notes, as_json):
    """Add a company (or fill in the one by that name).

    \b
    Example:
      namecards company add "Acme Robotics" --domain acme.example --industry "warehouse robots"
    """
    from namecards.domain.companies import add_company

    c = add_company(store, name, domains=domains, industry=industry, notes=notes)
    if as_json:
        print_json(c)
    else:
        click.echo(f"Company #{c['id']} {c['name']}")


@company.command("list")
@json_option
@with_store
def company_list(store, as_json):
    """List companies with how many people you know there and how many facts you keep.

    \b
    Example:
      namecards company list --json
    """
    from namecards.domain.companies import list_companies

    rows = list_companies(store)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo('No companies yet: namecards company add "NAME"', err=True)
    for c in rows:
        extra = " · ".join(x for x in (c["industry"], ", ".join(c["domains"])) if x)
        click.echo(f"#{c['id']:<4} {c['name']}  ({c['people']} people, {c['facts']} facts)"
                   + (f"  — {extra}" if extra else ""))


@company.command("show")
@click.argument("company_ref", metavar="COMPANY")
@json_option
@with_store
def company_show(store, company_ref, as_json):
    """A company's page: everyone known there by relation, its dossier, its events.

    Relations: interviewer, future colleague, insider (met through networking — someone to
    ask, not someone who will interview you), recruiter.

    \b
    Example:
      namecards company show acme
    """
    from namecards.domain.dossier import show_company

    c = show_company(store, company_ref)
    if as_json:
        print_json(c)
        return
    click.echo(f"#{c['id']} {c['name']}")
    if c["industry"]:
        click.echo(f"  Industry: {c['industry']}")
    if c["domains"]:
        click.echo(f"  Domains: {', '.join(c['domains'])}")
    for e in c["events"]:
        click.echo(f"  Event: {e['name']}" + (f" ({e['date']})" if e["date"] else ""))
    click.echo("  People:" if c["people"] else "  People: nobody known there yet")
    for p in c["people"]:
        extra = " · ".join(x for x in (p["title"], p["role"]) if x)
        relation = "future colleague" if p["relation"] == "colleague" else p["relation"]
        click.echo(f"    {relation:<16} #{p['id']} {p['full_name']}"
                   + (f" — {extra}" if extra else ""))
    if any(p["relation"] == "insider" for p in c["people"]):
        click.echo("    (an insider you met through networking: someone to ask, not someone "
                   "who will interview you)")
    if c["facts"]:
        click.echo("  Dossier:")
        for f in c["facts"]:
            src = ", ".join(x for x in (f["source"], f["noted"]) if x)
            click.echo(f"    - {f['plain']}" + (f"  ({src})" if src else ""))
    if c["notes"]:
        click.echo(f"  Notes: {c['notes']}")


@company.command("link")
@click.argument("company_ref", metavar="COMPANY")
@click.argument("contact")
@click.option("--relation", type=click.Choice(["interviewer", "colleague", "insider", "recruiter"]),
              help="How you know them (default: guessed from their role and title).")
@with_store
def company_link(store, company_ref, contact, relation):
    """Say that a contact is at a company, and how you know them.

    \b
    Example:
      namecards company link acme "ines" --relation insider
    """
    from namecards.domain.companies import link_contact_to_company
    from namecards.domain.contacts import contact_names

    r = link_contact_to_company(store, company_ref, contact, relation=relation)
    name = contact_names(store, [r["contact_id"]])[r["contact_id"]]
    click.echo(f"{name} is at {r['company']['name']}"
               + (f" ({r['relation']})" if r["relation"] else ""))


# ---------------------------------------------------------------- dossier


@cli.command(cls=_TextCommand)
@click.argument("company_ref", metavar="COMPANY")
@click.argument("text", required=False)
@click.option("--source", help="Where the facts come from, e.g. a newspaper or a URL.")
@click.option("--date", "noted", metavar="YYYY-MM-DD", help="When (default: today).")
@json_option
@with_store
def dossier(store, company_ref, text, source, noted, as_json):
    """Keep research notes on a company; each "- " line is a fact to bring up.

    Facts are drilled like talking points; mark a key phrase with {{...}} to drill it as a
    cloze.

    TEXT is the notes, or "-" to read them from standard input. Without TEXT, lists the facts.
    A company named for the first time is created.

    \b
    Example:
      namecards dossier "Acme Robotics" "- biggest customer is {{the city of Lyon}}
      - announced a Rust rewrite in October" --source "Le Monde"
    """
    from namecards.domain.companies import get_company
    from namecards.domain.dossier import add_dossier, list_facts

    if text is None:
        c = get_company(store, company_ref)
        facts = list_facts(store, c)
        if as_json:
            print_json(facts)
            return
        if not facts:
            click.echo(f'No facts about {c["name"]} yet: namecards dossier "{c["name"]}" -',
                       err=True)
        for f in facts:
            src = ", ".join(x for x in (f["source"], f["noted"]) if x)
            click.echo(f"#{f['id']:<4} {f['text']}" + (f"  ({src})" if src else ""))
        return
    result = add_dossier(store, company_ref, _read_text(text, "the facts"), source=source,
                         noted=noted)
    if as_json:
        print_json({"company_id": result["company"]["id"], "fact_ids": result["fact_ids"]})
        return
    n = len(result["facts"])
    click.echo(f"Saved {n} fact{'s' if n != 1 else ''} about {result['company']['name']}.")


# ---------------------------------------------------------------- questions to ask


@cli.group()
def ask():
    """Questions to ask at an interview; tick them off when asked.

    \b
    Example:
      namecards ask add --event acme "How is on-call organised?"
      namecards ask done 1 --answer "two-week rotations" --contact maria
    """


@ask.command("add")
@click.argument("text")
@event_option
@click.option("--company", "company_ref", metavar="NAME", help="A company, without an event.")
@click.option("--position", help="The position the question is about.")
@json_option
@with_store
def ask_add(store, text, event, company_ref, position, as_json):
    """Keep a question to ask at an event (or for a company or position).

    \b
    Example:
      namecards ask add --event acme "What would success look like after six months?"
    """
    from namecards.domain.questions import add_question

    q = add_question(store, text, event=event, company=company_ref, position=position)
    if as_json:
        print_json(q)
    else:
        where = q["event"] or q["company"] or q["position"]
        click.echo(f"Question #{q['id']} for {where}")


@ask.command("list")
@event_option
@click.option("--company", "company_ref", metavar="NAME")
@click.option("--position", help="Questions about this position (part of its name).")
@click.option("--open", "open_only", is_flag=True, help="Only the ones not asked yet.")
@json_option
@with_store
def ask_list(store, event, company_ref, position, open_only, as_json):
    """List questions to ask ([x] when asked, with the answer you got).

    \b
    Example:
      namecards ask list --event acme --open
    """
    from namecards.domain.questions import list_questions

    rows = list_questions(store, event=event, company=company_ref, position=position,
                          open_only=open_only)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo('No questions yet: namecards ask add --event NAME "..."', err=True)
    for q in rows:
        line = f"#{q['id']:<4} [{'x' if q['asked'] else ' '}] {q['text']}"
        if q["answer"]:
            line += f" — {q['answer']}" + (f" ({q['answered_by']})" if q["answered_by"] else "")
        click.echo(line)


@ask.command("done")
@click.argument("question_id", type=int, metavar="ID")
@click.option("--answer", help="The answer you got.")
@click.option("--contact", help="Who answered: the answer becomes their talking point.")
@with_store
def ask_done(store, question_id, answer, contact):
    """Tick a question off; with --answer and --contact the answer becomes a talking point
    for the follow-up letter.

    \b
    Example:
      namecards ask done 1 --answer "on-call is a two-week rotation" --contact maria
    """
    from namecards.domain.questions import mark_asked

    q = mark_asked(store, question_id, answer=answer, contact=contact)
    line = f"Asked #{q['id']}: {q['text']}"
    if q["answered_by"]:
        line += f" — a talking point for {q['answered_by']} now"
    click.echo(line)


# ---------------------------------------------------------------- practised answers


@cli.group()
def practice():
    """Practised answers to interview questions, drilled reveal-and-grade.

    \b
    Example:
      namecards practice adopt --starter
      namecards practice add "Tell us about a failure." "- the robot demo in 2023\\n- what I changed"
    """


@practice.command("add", cls=_TextCommand)
@click.argument("question")
@click.argument("key_points")
@json_option
@with_store
def practice_add(store, question, key_points, as_json):
    """Keep a question you may be asked and the key points of your answer.

    KEY_POINTS are "- " lines (or "-" to read them from standard input).

    \b
    Example:
      namecards practice add "How do you lead?" "- led the ROS 2 migration\\n- weekly demos"
    """
    from namecards.domain.practice import add_practice

    a = add_practice(store, question, _read_text(key_points, "the key points"))
    if as_json:
        print_json(a)
    else:
        click.echo(f"Practised answer #{a['id']} ({len(a['points'])} key points)")


@practice.command("edit", cls=_TextCommand)
@click.argument("practice_id", type=int, metavar="ID")
@click.argument("key_points")
@with_store
def practice_edit(store, practice_id, key_points):
    """Put an answer's key points in your own words (or "-" to read them from standard input).

    \b
    Example:
      namecards practice edit 3 "- the 2023 demo that failed\\n- the checklist I wrote after"
    """
    from namecards.domain.practice import edit_practice

    a = edit_practice(store, practice_id, _read_text(key_points, "the key points"))
    click.echo(f"Practised answer #{a['id']}: {len(a['points'])} key points")


@practice.command("adopt")
@click.option("--starter", is_flag=True, required=True,
              help="The shipped list of common second-interview questions.")
@with_store
def practice_adopt(store, starter):
    """Adopt the starter list of common second-interview questions (run again: no duplicates).

    \b
    Example:
      namecards practice adopt --starter
    """
    from namecards.domain.practice import adopt_starter

    r = adopt_starter(store)
    click.echo(f"Adopted {r['added']} questions ({r['already']} already there). Their key points "
               "are hints: write your own with namecards practice edit ID -")


@practice.command("list")
@json_option
@with_store
def practice_list(store, as_json):
    """List practised answers with their key points.

    \b
    Example:
      namecards practice list
    """
    from namecards.domain.practice import list_practice

    rows = list_practice(store)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No practised answers yet: namecards practice adopt --starter", err=True)
    for a in rows:
        mark = "" if a["own_words"] else "  (starter hints)"
        click.echo(f"#{a['id']:<4} {a['question']}{mark}")
        for p in a["points"]:
            click.echo(f"       - {p}")


# ---------------------------------------------------------------- briefing and readiness


def _event_or_next(store, event: str | None) -> str | int:
    """The event named, else the next upcoming one (`readiness.upcoming_event`)."""
    from namecards import NamecardsError
    from namecards.services.readiness import upcoming_event

    if event:
        return event
    upcoming = upcoming_event(store)
    if upcoming is None:
        raise NamecardsError("no events yet: add one with namecards event add NAME --date "
                             "YYYY-MM-DDTHH:MM")
    return upcoming["id"]


@cli.command()
@click.option("--event", "event", metavar="NAME",
              help="The event (name or part of it); default: the next upcoming one.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="md (default) or html (one page, card thumbnails); guessed from -o FILE.")
@with_store
def brief(store, event, output, fmt):
    """Write the one-page briefing for the morning of an interview.

    It holds the schedule, who you will meet (pronunciation, role, card thumbnail in HTML,
    what you talked about before), company facts to bring up, questions to ask, readiness.

    \b
    Example:
      namecards brief --event acme
      namecards brief --event acme -o acme.html
    """
    from namecards.services.briefing import write_briefing

    if fmt is None:
        fmt = "html" if output and output.lower().endswith((".html", ".htm")) else "md"
    text = write_briefing(store, _event_or_next(store, event), fmt=fmt, output=output)
    if output and output != "-":
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--event", "event", metavar="NAME",
              help="The event (name or part of it); default: the next upcoming one.")
@json_option
@with_store
def ready(store, event, as_json):
    """Check you are ready for an interview, and say what to do next.

    Ready means: every person's name drilled to 95% predicted recall at the event time (their
    talking points are measured apart), questions to ask prepared, thank-you notes ready to
    send after it.

    \b
    Example:
      namecards ready --event acme
    """
    from namecards.services.readiness import check_readiness

    r = check_readiness(store, _event_or_next(store, event))
    if as_json:
        print_json(r)
        return
    ev = r["event"]
    click.echo(f"{ev['name']}" + (f" · {ev['date']}" if ev["date"] else " · (no date: recall now)"))

    def tick(ok: bool) -> str:
        return "✓" if ok else "✗"

    n = r["names"]
    click.echo(f"{tick(n['ok'])} Names      {n['total'] - n['below']}/{n['total']} people at "
               f"≥ {n['target'] * 100:.0f}% predicted recall"
               + (" at the event time" if r["event_time_known"] else " now"))
    width = max((len(p["full_name"]) for p in r["people"]), default=0)
    for p in r["people"]:
        recall = _pct(p["recall"]) if p["reviewed"] else "not drilled yet"
        if not p["points"]:
            points = "no points"
        elif p["points_reviewed"]:
            points = f"points {_pct(p['points_recall'])}"
        else:
            points = f"{p['points']} point card{'s' if p['points'] != 1 else ''} not drilled yet"
        extra = f"  ({p['role']})" if p["role"] else ""
        click.echo(f"    {tick(p['ready'])} {p['full_name']:<{width}}  {recall:>5}  "
                   f"· {points}{extra}")
    pts = r["points"]
    click.echo(f"{tick(pts['ok'])} Points     {pts['total'] - pts['below']}/{pts['total']} "
               f"people's talking points at ≥ {pts['target'] * 100:.0f}%")
    q = r["questions"]
    click.echo(f"{tick(q['ok'])} Questions  {q['open']} to ask, {q['asked']} asked "
               f"(aim for {q['needed']})")
    t = r["thank_you"]
    if t["after_event"]:
        state = f"{t['drafted']}/{t['total']} drafted"
    else:
        bits = ["signature set" if t["sender_name"] else "no signature"]
        if t["missing_email"]:
            bits.append(f"{len(t['missing_email'])} without e-mail")
        state = ", ".join(bits)
    click.echo(f"{tick(t['ok'])} Thank-you  {state}")
    f, p = r["facts"], r["practice"]

    def weakest(block: dict) -> str:
        if not block["count"]:
            return ""
        return f", weakest {_pct(block['recall'])}" if block["reviewed"] else ", not drilled yet"

    click.echo(f"  Facts      {f['count']} about {f['company'] or '(no company)'}{weakest(f)}")
    click.echo(f"  Answers    {p['count']} practised{weakest(p)}")
    if r["ready"]:
        click.echo("Ready.")
    if r["next"]:
        click.echo("Next:" if r["ready"] else "Not ready yet. Next:")
        for i, step in enumerate(r["next"], 1):
            click.echo(f"  {i}. {step}")
