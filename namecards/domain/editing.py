"""A contact as a small TOML document, for editing in $EDITOR, and applying the edited text."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable

from namecards import NamecardsError
from namecards.domain.contacts import (
    contact_tags,
    edit_contact,
    get_contact,
    normalised_methods,
    set_methods,
    tag_contact,
)
from namecards.store import Store

VIEW_FIELDS = ("full_name", "given_name", "family_name", "pronunciation", "mnemonic", "title",
               "company", "website", "address", "last_contacted")
VIEW_LISTS = ("emails", "phones", "urls", "tags")


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def contact_view(store: Store, contact_id: int) -> str:
    """The editable TOML view of one contact."""
    c = get_contact(store, contact_id)
    lines = [
        f"# namecards contact #{c['id']}. Edit and save; an empty string clears a field.",
        "# Lists keep every entry you leave in; e-mails and phones are checked as in `add`.",
        "",
    ]
    for key in VIEW_FIELDS:
        lines.append(f"{key} = {toml_string(c.get(key) or '')}")
    lists = {
        "emails": [m["value"] for m in c["emails"]],
        "phones": [m["value"] for m in c["phones"]],
        "urls": [m["value"] for m in c["urls"]],
        "tags": c["tags"],
    }
    for key in VIEW_LISTS:
        lines.append(f"{key} = [" + ", ".join(toml_string(v) for v in lists[key]) + "]")
    return "\n".join(lines) + "\n"


class ViewError(NamecardsError):
    """The edited text cannot be applied; `problem` says why without "nothing changed", for
    showing at the top of the text when the editor is reopened."""

    def __init__(self, problem: str):
        super().__init__(f"{problem}; nothing changed")
        self.problem = problem


def parse_contact_view(text: str) -> dict:
    """The edited view as a dict; a clear error for TOML mistakes and unknown keys."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ViewError(f"the edited contact is not valid TOML ({e})") from None
    unknown = sorted(set(data) - set(VIEW_FIELDS) - set(VIEW_LISTS))
    if unknown:
        raise ViewError(f"unknown field(s) in the edited contact: {', '.join(unknown)}")
    for key in VIEW_FIELDS:
        if key in data and not isinstance(data[key], str):
            raise ViewError(f"{key} must be a string in quotes")
    for key in VIEW_LISTS:
        if key in data and not (isinstance(data[key], list)
                                and all(isinstance(v, str) for v in data[key])):
            raise ViewError(f'{key} must be a list of strings, like ["a", "b"]')
    return data


def apply_contact_view(store: Store, contact_id: int, text: str, *, region: str | None = None,
                       force: bool = False) -> dict:
    """Apply an edited TOML view: fields set or cleared, methods and tags made as listed."""
    data = parse_contact_view(text)
    fields = {k: data[k] for k in VIEW_FIELDS if k in data and k != "last_contacted"}
    clear = [k for k, v in fields.items() if v.strip() == ""]
    fields = {k: v for k, v in fields.items() if k not in clear}
    methods = normalised_methods(data.get("emails", ()), data.get("phones", ()),
                                  data.get("urls", ()), region, force)
    db = store.db
    with db.atomic():
        result = edit_contact(store, contact_id, fields, clear=clear,
                              last_contacted=data.get("last_contacted") or None, force=force)
        changed = result["changed"]
        for kind, key in (("email", "emails"), ("phone", "phones"), ("url", "urls"),
                          ("linkedin", "urls")):
            if key in data and set_methods(store, contact_id, kind, _unique(methods[kind])):
                changed.append(key)
        if "tags" in data:
            wanted = _unique(t.strip() for t in data["tags"] if t.strip())
            if wanted != contact_tags(store, contact_id):
                db.execute("delete from contact_tags where contact_id = ?", [contact_id])
                for t in wanted:
                    tag_contact(store, contact_id, t)
                db.execute("delete from tags where id not in (select tag_id from contact_tags)")
                changed.append("tags")
        if changed:
            db["contacts"].update(contact_id, {"updated": store.now_iso()})
    return {"id": contact_id, "changed": sorted(set(changed))}


# The lines put above the user's text when the editor is reopened; taken off again before
# the text is read, so they never pile up.
ERROR_MARK = "# ERROR: "
HELP_LINE = ("# Fix it and save to apply. To change nothing: empty the file, or quit without "
             "saving.")
MAX_ROUNDS = 10
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _without_error_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and (lines[0].startswith(ERROR_MARK) or lines[0].rstrip("\r\n") == HELP_LINE):
        lines.pop(0)
    return "".join(lines)


def _with_error_header(text: str, problem: str) -> str:
    header = [ERROR_MARK + " ".join(problem.split()), HELP_LINE]
    # tomllib counts lines in the text it read; in the reopened file they sit lower.
    problem_lines = _TOML_LINE.sub(
        lambda m: f"(at line {int(m.group(1)) + len(header)}, column {m.group(2)})",
        header[0])
    return problem_lines + "\n" + HELP_LINE + "\n" + text


def _is_empty(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def edit_contact_in_editor(store: Store, contact_id: int, edit: Callable[[str], str | None], *,
                           region: str | None = None, force: bool = False) -> dict:
    """Edit a contact's TOML view with `edit` (the user's $EDITOR) until it applies.

    A mistake (a TOML typo, an unknown field, an e-mail that is not one) reopens the editor
    with the user's own text and the error as a comment at the top, as `git commit` and
    `crontab -e` do, so nothing typed is lost. Quitting without saving, or emptying the file,
    changes nothing. Returns apply_contact_view's result plus "outcome": "applied",
    "unchanged" (saved as it was), "not saved" or "emptied"; after MAX_ROUNDS failed rounds
    (an editor that is a script, say) the last error is raised.
    """
    original = contact_view(store, contact_id)
    text = original
    for _ in range(MAX_ROUNDS):
        edited = edit(text)
        if edited is None:
            return {"id": contact_id, "changed": [], "outcome": "not saved"}
        body = _without_error_header(edited)
        if _is_empty(body):
            return {"id": contact_id, "changed": [], "outcome": "emptied"}
        if body == original:
            return {"id": contact_id, "changed": [], "outcome": "unchanged"}
        try:
            result = apply_contact_view(store, contact_id, body, region=region, force=force)
        except NamecardsError as e:
            problem = e.problem if isinstance(e, ViewError) else str(e)
            last = e
            text = _with_error_header(body, problem)
            continue
        return {**result, "outcome": "applied"}
    raise last


def _unique(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out
