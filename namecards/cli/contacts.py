"""Address-book commands: add, list, show, search, edit, merge, dedupe, note, event, tag,
delete, due, backup. Each calls one function of the namecards API and prints."""

from __future__ import annotations

import sys

import click

from namecards.cli.main import cli, echo, event_option, json_option, print_json, with_store


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


_TEXT_MARK = "\x00namecards-text\x00"


class _TextCommand(click.Command):
    """A command whose TEXT may start with a dash: a note's first line is often a bullet
    ("- likes Rust"), which Click would read as the short options -l -i -k -e ... (and -h!).
    An argument that starts with one dash and holds whitespace is text, never an option."""

    def parse_args(self, ctx, args):
        args = [_TEXT_MARK + a if _looks_like_text(a) else a for a in args]
        return super().parse_args(ctx, args)


def _looks_like_text(arg: str) -> bool:
    if not arg.startswith("-") or not any(c.isspace() for c in arg):
        return False
    if arg.startswith("--"):
        return arg[2:3].isspace()  # "-- foo" is text; "--event=Fair 2026" is an option
    return True


def _text(value: str | None) -> str | None:
    if value is not None and value.startswith(_TEXT_MARK):
        return value[len(_TEXT_MARK):]
    return value


# ---------------------------------------------------------------- contacts


@cli.command()
@click.option("--name", "full_name", required=True, help="Full name, spelled as they spell it.")
@click.option("--title")
@click.option("--company")
@click.option("--email", "emails", multiple=True, help="An e-mail address (repeatable).")
@click.option("--phone", "phones", multiple=True, help="A phone number with +CC, or use --region.")
@click.option("--url", "urls", multiple=True, help="A web or LinkedIn address (repeatable).")
@click.option("--website", help="The company or personal website.")
@click.option("--address")
@click.option("--pronunciation", help='How to say the name, e.g. "mah-REE-ah".')
@click.option("--mnemonic", help="Your memory hook for the name.")
@click.option("--region", metavar="CC", help="Country for phone numbers without +CC, e.g. BR.")
@event_option
@click.option("--role", help='Their role at the event, e.g. "panel interviewer".')
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--force", is_flag=True,
              help="Add even if it looks like a duplicate; store invalid e-mails/phones as given.")
@json_option
@with_store
def add(store, full_name, title, company, emails, phones, urls, website, address, pronunciation,
        mnemonic, region, event, role, tags, force, as_json):
    """Add a contact by hand.

    When the person looks like someone already stored (same e-mail, phone or LinkedIn
    profile, or a close name at the same company) nothing is added and that contact is
    named; at a terminal you are asked whether to add anyway.

    \b
    Example:
      namecards add --name "María López" --title CTO --company "Acme Robotics" \\
        --email maria@acme.example --event acme --role "panel interviewer"
    """
    from namecards.domain.contacts import DuplicateContact, add_contact

    kwargs = dict(title=title, company=company, emails=emails, phones=phones, urls=urls,
                  website=website, address=address, pronunciation=pronunciation,
                  mnemonic=mnemonic, region=region, event=event, role=role, tags=tags)
    try:
        contact_id = add_contact(store, full_name, force=force, **kwargs)
    except DuplicateContact as e:
        if as_json or not _interactive():
            raise
        for c in e.candidates:
            echo(f"Looks like #{c['id']} {c['full_name']}"
                       + (f" ({c['company']})" if c["company"] else "")
                       + f": {'; '.join(c['reasons'])}", err=True)
        if not click.confirm("Add as a new contact anyway?", default=False, err=True):
            echo(f"Nothing added. See it with: namecards show {e.candidates[0]['id']}",
                       err=True)
            sys.exit(1)
        contact_id = add_contact(store, full_name, force=True, **kwargs)
    if as_json:
        print_json({"id": contact_id})
    else:
        echo(f"Added #{contact_id} {full_name}")


@cli.command("list")
@event_option
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--company", help="Only contacts whose company contains this.")
@json_option
@with_store
def list_(store, event, tag, company, as_json):
    """List contacts (filter by event, tag or company).

    \b
    Example:
      namecards list --event acme --json
    """
    from namecards.domain.contacts import list_contacts

    rows = list_contacts(store, event=event, tag=tag, company=company)
    if as_json:
        print_json(rows)
        return
    if not rows:
        echo("No contacts match." if (event or tag or company)
                   else "No contacts yet. Scan some cards: namecards scan PATH", err=True)
    for r in rows:
        extra = " · ".join(x for x in (r["title"], r["company"], r["email"]) if x)
        echo(f"#{r['id']:<5} {r['full_name']}" + (f"  — {extra}" if extra else ""))


@cli.command()
@click.argument("contact")
@json_option
@with_store
def show(store, contact, as_json):
    """Everything about one contact: methods, events, notes, talking points, drills, letters.

    CONTACT is an id or any unambiguous part of the name ("maria" finds María López).
    """
    from namecards.domain.contacts import get_contact, resolve_contact

    c = get_contact(store, resolve_contact(store, contact))
    if as_json:
        print_json(c)
        return
    echo(f"#{c['id']} {c['full_name']}")
    for label, key in (("Also written", "alt_name"), ("Title", "title"), ("Company", "company"), ("Website", "website"),
                       ("Address", "address"), ("Pronunciation", "pronunciation"),
                       ("Mnemonic", "mnemonic"), ("Last contacted", "last_contacted")):
        if c.get(key):
            echo(f"  {label}: {c[key]}")
    for key, label in (("emails", "E-mail"), ("phones", "Phone"), ("urls", "URL")):
        for m in c[key]:
            echo(f"  {label}: {m['value']}" + (f" ({m['label']})" if m["label"] else ""))
    for e in c["events"]:
        follow = "done" if e["followed_up"] else f"due {e['follow_up_due']}"
        echo(f"  Met at: #{e['id']} {e['name']}" + (f" ({e['date']})" if e["date"] else "")
             + (f" — {e['role']}" if e["role"] else "") + f"; follow-up {follow}")
    if c["tags"]:
        echo(f"  Tags: {', '.join(c['tags'])}")
    from namecards.formats import strip_cloze  # {{cloze}} marks are the drill's, not for reading

    for n in c["notes"]:
        echo(f"  Note #{n['id']} ({n['created'][:10]}):")
        for line in strip_cloze(n["text"]).splitlines():
            echo(f"    {line}")
    if c["talking_points"]:
        echo("  Talking points:")
        for p in c["talking_points"]:
            echo(f"    - {strip_cloze(p['text'])}")
    d = c["drill"]
    echo(f"  Drill: {d['cards']} cards, {d['new']} new, {d['due_now']} due now, "
         f"{d['reviews']} reviews")
    for letter in c["letters"]:
        sent = f"sent {letter['sent']}" if letter["sent"] else "not sent"
        echo(f"  Letter #{letter['id']}: {letter['template']} ({letter['created'][:10]}, {sent})")
    for s in c["scans"]:
        echo(f"  Scan #{s['id']}: {s['path']}")


@cli.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@json_option
@with_store
def search(store, query, limit, as_json):
    """Full-text search over names, companies, titles, notes and talking points.

    Every word must match, as a word prefix, accents and case ignored; best matches first.

    \b
    Example:
      namecards search "ros migration"
    """
    from namecards.domain.contacts import search_contacts

    rows = search_contacts(store, query, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        shown = query if len(query) <= 60 else query[:59] + "…"
        echo(f"Nothing matches {shown!r}.", err=True)
    for r in rows:
        snippet = " ".join((r["snippet"] or "").split())
        echo(f"#{r['id']:<5} {r['full_name']}  [{r['field']}] {snippet}")


@cli.command()
@click.argument("contact")
@click.option("--name", "full_name", help="The full name.")
@click.option("--given", "given_name", help="Given name(s).")
@click.option("--family", "family_name", help="Family name.")
@click.option("--title")
@click.option("--company")
@click.option("--website")
@click.option("--address")
@click.option("--pronunciation")
@click.option("--mnemonic")
@click.option("--add-email", multiple=True)
@click.option("--remove-email", multiple=True)
@click.option("--add-phone", multiple=True)
@click.option("--remove-phone", multiple=True)
@click.option("--add-url", multiple=True)
@click.option("--remove-url", multiple=True)
@click.option("--clear", "clear", multiple=True, metavar="FIELD",
              help="Empty a field, e.g. --clear mnemonic (repeatable).")
@click.option("--contacted", metavar="YYYY-MM-DD",
              help="When you last contacted them (settles earlier follow-ups).")
@click.option("--region", metavar="CC")
@click.option("--force", is_flag=True, help="Store invalid e-mails/phones as given.")
@json_option
@with_store
def edit(store, contact, full_name, given_name, family_name, title, company, website, address,
         pronunciation, mnemonic, add_email, remove_email, add_phone, remove_phone, add_url,
         remove_url, clear, contacted, region, force, as_json):
    """Change a contact; with no options, edit it as TOML in $EDITOR.

    \b
    Examples:
      namecards edit maria --title "VP Engineering" --add-email maria@new.example
      namecards edit maria            # opens $EDITOR
    """
    from namecards.domain.contacts import edit_contact, resolve_contact

    fields = {k: v for k, v in dict(
        full_name=full_name, given_name=given_name, family_name=family_name, title=title,
        company=company, website=website, address=address, pronunciation=pronunciation,
        mnemonic=mnemonic).items() if v is not None}
    flags = (fields or add_email or remove_email or add_phone or remove_phone or add_url
             or remove_url or clear or contacted)
    contact_id = resolve_contact(store, contact)
    if flags:
        result = edit_contact(store, contact_id, fields, clear=clear, add_emails=add_email,
                              remove_emails=remove_email, add_phones=add_phone,
                              remove_phones=remove_phone, add_urls=add_url, remove_urls=remove_url,
                              last_contacted=contacted, region=region, force=force)
    else:
        from namecards.domain.editing import edit_contact_in_editor

        result = edit_contact_in_editor(
            store, contact_id, lambda text: click.edit(text, extension=".toml", require_save=True),
            region=region, force=force)
        why = {"emptied": "the file was emptied",
               "not saved": "the editor closed without saving"}.get(result["outcome"])
        if why and not as_json:
            echo(f"No changes: {why}.", err=True)
            return
    if as_json:
        print_json(result)
    elif result["changed"]:
        echo(f"Updated #{contact_id}: {', '.join(result['changed'])}")
    else:
        echo("No changes.", err=True)


@cli.command()
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option("--into", metavar="CONTACT", help="Which of the two to keep (default: A).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--undo", is_flag=True,
              help="Split a merge back: the latest, or the merge numbered A (see --list).")
@click.option("--list", "list_", is_flag=True, help="List recent merges, newest first.")
@json_option
@with_store
def merge(store, a, b, into, yes, undo, list_, as_json):
    """Merge contact B into A (or into whichever --into names); undo a merge.

    Blank fields are filled, the better-evidenced spelling of the name is kept (a card's
    "María López" over a LinkedIn row's "Maria Lopez"), every e-mail/phone/URL kept, and
    notes, talking points, scans, drill cards with their review history, letters, meetings
    and tags move over. Every merge is recorded with what each side held, so
    `merge --undo` splits the two back.

    \b
    Examples:
      namecards merge "maria lopez" "m. lopez"
      namecards merge --list
      namecards merge --undo        # the latest merge
      namecards merge --undo 3      # merge #3
    """
    from namecards import UsageError
    from namecards.domain.contacts import contact_names, resolve_contact
    from namecards.domain.merging import merge_contacts, merge_history, undo_merge

    if list_ or undo:
        if b is not None or into or (list_ and undo) or (list_ and a is not None):
            raise UsageError("use `merge --list`, `merge --undo [MERGE]` or `merge A B`")
        if list_:
            rows = merge_history(store, limit=50)
            if as_json:
                print_json(rows)
                return
            if not rows:
                echo("No merges yet.", err=True)
            for r in rows:
                state = (f"undone {r['undone'][:16]}" if r["undone"]
                         else "undo: namecards merge --undo " + str(r["id"]) if r["undoable"]
                         else "cannot be undone (made before merges kept a journal)")
                echo(f"#{r['id']:<4} {r['created'][:16]}  #{r['merged_id']} {r['merged_name']} "
                      f"into #{r['kept_id']} {r['kept_name'] or '(deleted)'}  — {state}")
            return
        result = undo_merge(store, a)
        if as_json:
            print_json(result)
        else:
            echo(f"Undid merge #{result['merge_id']}: {result['restored_name']} is back as "
                  f"#{result['restored']}, apart from #{result['kept']}")
        return
    if a is None or b is None:
        raise UsageError("name the two contacts to merge: namecards merge A B")
    if not yes and _interactive() and not as_json:
        a_id, b_id = resolve_contact(store, a), resolve_contact(store, b)
        keep = resolve_contact(store, into) if into else a_id
        gone = b_id if keep == a_id else a_id
        rows = contact_names(store, [a_id, b_id])
        click.confirm(f"Merge #{gone} {rows.get(gone)} into #{keep} {rows.get(keep)}?",
                      abort=True, err=True)
    result = merge_contacts(store, a, b, into=into)
    if as_json:
        print_json(result)
    else:
        filled = f"; filled {', '.join(result['filled'])}" if result["filled"] else ""
        echo(f"Merged #{result['merged']} {result['merged_name']} into #{result['kept']}"
              + filled + f" (undo: namecards merge --undo {result['merge_id']})")


@cli.command()
@click.option("--apply", "apply_", is_flag=True,
              help="Merge the certain pairs (a personal e-mail, phone or LinkedIn profile in "
                   "common, or the same name at the same company, and no personal identifier "
                   "differing) into the older contact. Each can be undone.")
@json_option
@with_store
def dedupe(store, apply_, as_json):
    """List pairs of contacts that look like one person, with the reasons.

    \b
    Example:
      namecards dedupe            # look
      namecards dedupe --apply    # merge the certain ones
    """
    from namecards.domain.merging import dedupe as find_and_merge

    result = find_and_merge(store, apply=apply_)
    if as_json:
        print_json(result)
        return
    if not result["pairs"]:
        echo("No likely duplicates.", err=True)
    for p in result["pairs"]:
        mark = "certain" if p["certain"] else "likely "
        echo(f"{mark} #{p['a']['id']} {p['a']['full_name']}  ~  #{p['b']['id']} "
                   f"{p['b']['full_name']}: {'; '.join(p['reasons'])}")
    for m in result["merged"]:
        echo(f"Merged #{m['merged']} {m['merged_name']} into #{m['kept']} "
              f"(undo: namecards merge --undo {m['merge_id']})")
    if result["pairs"] and not apply_:
        echo("Merge with: namecards dedupe --apply (certain pairs) or namecards merge A B",
                   err=True)


@cli.command(cls=_TextCommand)
@click.argument("contact")
@click.argument("text", required=False)
@event_option
@click.option("--edit", "edit_id", metavar="NOTE_ID",
              help="Replace this note's text (TEXT, '-' for stdin, or none for $EDITOR).")
@click.option("--delete", "delete_id", metavar="NOTE_ID", help="Delete this note.")
@json_option
@with_store
def note(store, contact, text, event, edit_id, delete_id, as_json):
    """Add a note about a contact; lines starting "- " become talking points.

    TEXT is the note, or "-" to read it from standard input (end with Ctrl-D). Editing a
    note keeps the drill history of every talking point whose text is unchanged.

    \b
    Examples:
      namecards note maria "- leads the ROS 2 migration
      - has a dog named Pixel"
      namecards note maria --edit 3        # opens $EDITOR on note #3
    """
    from namecards.domain.contacts import add_note, delete_note, edit_note, resolve_contact

    contact, text = _text(contact), _text(text)
    if edit_id and delete_id:
        raise click.UsageError("use --edit or --delete, not both")
    if delete_id:
        if text is not None:
            raise click.UsageError("--delete takes no TEXT")
        result = delete_note(store, delete_id, contact_ref=contact)
        if as_json:
            print_json(result)
        else:
            echo(f"Deleted note #{result['note_id']} ({result['points']} talking points).")
        return
    if text == "-":
        if sys.stdin.isatty():
            echo("Type the note; one '- ' line per talking point; Ctrl-D to save.", err=True)
        text = sys.stdin.read()
    if edit_id:
        if text is None:
            from namecards.domain.contacts import get_note

            current = get_note(store, edit_id, resolve_contact(store, contact))["text"]
            text = click.edit(current, extension=".md", require_save=True)
            if text is None or text == current:
                echo("No changes.", err=True)
                return
        result = edit_note(store, edit_id, text, contact_ref=contact)
        if as_json:
            print_json(result)
        else:
            echo(f"Updated note #{result['note_id']}: {len(result['kept'])} points kept, "
                       f"{len(result['added']) + len(result['revived'])} added, "
                       f"{len(result['removed'])} removed.")
        return
    if text is None:
        raise click.UsageError("give the note TEXT, or - to read it from standard input")
    result = add_note(store, contact, text, event=event)
    if as_json:
        print_json(result)
        return
    n = len(result["points"])
    echo(f"Saved note #{result['note_id']} ({n} talking point{'s' if n != 1 else ''}).")


@cli.command("tag")
@click.argument("contact")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Take the tags off instead.")
@json_option
@with_store
def tag_(store, contact, tags, remove, as_json):
    """Tag a contact (or --remove tags).

    \b
    Example:
      namecards tag maria robotics hiring-manager
    """
    from namecards.domain.contacts import tag

    result = tag(store, contact, tags, remove=remove)
    if as_json:
        print_json({"tags": result})
    else:
        echo("Tags: " + (", ".join(result) if result else "(none)"))


@cli.command()
@click.argument("contact")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@with_store
def delete(store, contact, yes, as_json):
    """Delete a contact and everything about it (notes, drill history, letters, scans).

    \b
    Example:
      namecards delete 12 --yes
    """
    from namecards.domain.contacts import contact_names, delete_contact, resolve_contact

    contact_id = resolve_contact(store, contact)
    if not yes:
        name = contact_names(store, [contact_id])[contact_id]
        if not click.confirm(f"Delete #{contact_id} {name} and all their notes, drill history "
                             "and letters?", default=False, err=True):
            echo("Nothing deleted.", err=True)
            sys.exit(1)
    result = delete_contact(store, contact_id)
    if as_json:
        print_json(result)
    else:
        echo(f"Deleted #{result['id']} {result['full_name']}")


@cli.command("due")
@json_option
@with_store
def due_(store, as_json):
    """Drill cards due today and follow-ups due or overdue, per event.

    A follow-up is due the day after the event; it is done once a letter is marked sent
    or you record contact with `namecards edit CONTACT --contacted DATE`.
    """
    from namecards.services.due import due

    data = due(store)
    if as_json:
        print_json(data)
        return
    if not data["events"]:
        echo("Nothing due.", err=True)
    else:
        n = data["due_now"]
        echo(f"{n} card{'s' if n != 1 else ''} due now (namecards drill)")
    for g in data["events"]:
        title = g["event"] or "(no event)"
        echo(f"{title}" + (f" ({g['date']})" if g["date"] else "")
                   + f": {g['drills_due']} cards to drill"
                   + (f" ({g['new_cards']} new)" if g["new_cards"] else ""))
        for f in g["follow_ups"]:
            late = f", {f['days_overdue']} days overdue" if f["days_overdue"] > 0 else ""
            echo(f"  follow up #{f['contact_id']} {f['full_name']} (due {f['due']}{late})")


@cli.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@json_option
@with_store
def backup_(store, dest, as_json):
    """Copy the database and card images into the folder DEST (new, empty, or an earlier
    backup, which is replaced only once the new copy is complete and verified).

    The copy is laid out like a data home: look at it with `namecards --home DEST list`.
    """
    from namecards.services.backup import backup

    result = backup(store, dest)
    if as_json:
        print_json(result)
    else:
        echo(f"Backed up to {result['dest']}: the database and {result['images']} images "
              f"({result['bytes'] / 1e6:.1f} MB)"
              + (", replacing the earlier backup" if result["replaced"] else ""))


# ---------------------------------------------------------------- events


@cli.group()
def event():
    """Events: where you met people (an interview day, a fair, a meeting)."""


@event.command("add")
@click.argument("name")
@click.option("--date", metavar="YYYY-MM-DD[THH:MM]")
@click.option("--company")
@click.option("--kind", type=click.Choice(["interview", "fair", "meeting", "other"]),
              default="interview", show_default=True)
@json_option
@with_store
def event_add(store, name, date, company, kind, as_json):
    """Add an event, e.g. namecards event add "Acme — second interview" --date 2026-12-03T09:30"""
    from namecards.domain.events import add_event

    e = add_event(store, name, date=date, company=company, kind=kind)
    if as_json:
        print_json(e)
        return
    echo(f"Event #{e['id']} {e['name']}" + (f" on {e['date']}" if e["date"] else ""))


@event.command("list")
@json_option
@with_store
def event_list(store, as_json):
    """List events with their dates and how many people you met there."""
    from namecards.domain.events import list_events

    rows = list_events(store)
    if as_json:
        print_json(rows)
        return
    if not rows:
        echo("No events yet: namecards event add NAME --date YYYY-MM-DD", err=True)
    for e in rows:
        echo(f"#{e['id']:<4} {e['date'] or '(no date)':<17} {e['name']}  ({e['people']} people)")


@event.command("show")
@click.argument("name")
@json_option
@with_store
def event_show(store, name, as_json):
    """One event and the people met there, with roles and follow-up dates."""
    from namecards.domain.events import show_event

    e = show_event(store, name)
    if as_json:
        print_json(e)
        return
    echo(f"#{e['id']} {e['name']}" + (f" ({e['date']})" if e["date"] else "")
               + (f" — {e['company']}" if e["company"] else "") + f" [{e['kind']}]")
    for p in e["people"]:
        follow = "followed up" if p["followed_up"] else f"follow up by {p['follow_up_due']}"
        echo(f"  #{p['id']:<5} {p['full_name']}" + (f" — {p['role']}" if p["role"] else "")
                   + f"  ({follow})")
