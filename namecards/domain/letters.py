"""Follow-up letters: render Jinja2 templates over a contact dict, and package them as .eml or Markdown.

Templates run in a sandbox and contact data is only ever passed in as values, never compiled as
template text, so a note containing ``{{ ... }}`` prints literally.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from namecards.clock import SYSTEM
from namecards.errors import LetterError
from namecards.formats import CLOZE_RE, FormatError, strip_cloze  # noqa: F401 (re-exported)

TEMPLATE_SUFFIX = ".j2"
SHIPPED_DIR = Path(__file__).parents[1] / "templates"
DEFAULT_POINTS = 2

# A template declares its limits in a comment, e.g. {# namecards: max_words=90 #}
_LIMIT_RE = re.compile(r"\{#-?\s*namecards:\s*([^#]*?)\s*-?#\}")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# First words that read naturally in lower case mid-sentence ("hearing about how your team ...").
_LOWER_FIRST = {
    "a",
    "an",
    "the",
    "how",
    "why",
    "what",
    "when",
    "where",
    "which",
    "who",
    "whether",
    "their",
    "his",
    "her",
    "your",
    "our",
    "its",
    "my",
    "this",
    "that",
    "these",
    "those",
    "building",
    "moving",
    "working",
    "running",
    "hiring",
    "growing",
    "scaling",
    "using",
    "plans",
    "work",
    "life",
    "time",
    "new",
    "next",
    "recent",
    "upcoming",
}
# Proper names that look like gerunds ("Beijing office") keep their capital.
_NOT_GERUNDS = {
    "beijing",
    "nanjing",
    "kunming",
    "reading",
    "epping",
    "ealing",
    "woking",
    "worthing",
    "darling",
    "sterling",
    "harding",
    "browning",
    "fleming",
    "redding",
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class Letter:
    subject: str
    body: str
    template: str
    contact_id: int | None
    event_id: int | None


def _point_phrase(text: str) -> str:
    """Turn a talking-point bullet into a phrase that can follow "hearing about"."""
    return cite_point(text)[1]


def _clean_point(text: str) -> str:
    text = strip_cloze(" ".join(str(text).split())).strip()
    return text.lstrip("-*• ").rstrip(" .;:")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    word = first.lower()
    plain = first[:1].isupper() and (first[1:].islower() or len(first) == 1)
    gerund = word.endswith("ing") and len(word) > 5 and word.isalpha() and word not in _NOT_GERUNDS
    if plain and (word in _LOWER_FIRST or gerund or word in _THIRD_PERSON or word in _PAST
                  or word in _SUBJECTS):
        return text[0].lower() + text[1:]
    return text


# The addressee in the writer's shorthand ("she will send...", "her team") becomes "you".
_SUBJECTS = {"she", "he", "they"}
_PRONOUNS = {"she": "you", "he": "you", "her": "your", "his": "your", "him": "you",
             "hers": "yours", "herself": "yourself", "himself": "yourself",
             "she's": "you're", "he's": "you're", "she'll": "you'll", "he'll": "you'll",
             "she'd": "you'd", "he'd": "you'd"}
_MODALS = {"will", "would", "can", "could", "should", "might", "may", "must", "'ll"}
_PROMISE = re.compile(r"^(?:(?:she|he|they)\s+)?(?:will|'ll|is going to|plans to|promised to|"
                      r"offered to)\s+(.*)$", re.IGNORECASE)
_PREPOSITIONS = {"of", "at", "in", "on", "for", "to", "from", "with", "by", "about", "into",
                 "over", "under", "after", "before", "since", "during", "next", "last", "this"}


def _second_person(text: str) -> str:
    """ "she will send her slides" -> "you will send your slides"; a verb right after the
    subject follows it ("she leads" -> "you lead", "she is" -> "you are")."""
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        core = w.rstrip(",;:.")
        tail = w[len(core):]
        low = core.lower()
        if low in _PRONOUNS:
            repl = _PRONOUNS[low]
            if low == "her" and i + 1 < len(words) and (words[i + 1].lower() in _PREPOSITIONS
                                                         or tail):
                repl = "you"  # "told her about" -> "told you about"
            out.append(repl + tail)
            continue
        if i and words[i - 1].lower() in _SUBJECTS and low in _THIRD_PERSON:
            out.append(_THIRD_PERSON[low] + tail)
            continue
        out.append(w)
    return " ".join(out)


def _bare_noun_phrase(text: str) -> bool:
    """ "ROS 2 migration next quarter", "migration to Rust": a noun phrase that needs "the"."""
    words = text.split()
    head = []
    for w in words:
        if w.lower() in _PREPOSITIONS:
            break
        head.append(w)
    if not head:
        return False
    last = head[-1].strip(",;:")
    first = words[0].lower()
    if first in _LOWER_FIRST or first in _PRONOUNS or first in {"a", "an", "the", "your"}:
        return False
    if not last.isalpha() or not last.islower():
        return False  # "Kubernetes at scale", "St. Pauli": names take no article
    if last.endswith("ing") or (last.endswith("s") and not last.endswith("ss")):
        return False  # "sailing", "robot arms": read well bare
    return len(head) >= 1


_POSSESSIVES = {"her", "his", "their"}
_AUXILIARY = {"is", "are", "was", "were", "has", "have", "had", "will", "can", "does", "did"}
_AFTER_VERB = {"on", "in", "at", "the", "a", "an", "her", "his", "their", "every", "with",
               "for", "to", "from", "around", "several", "two", "three", "marathons"}


def _verb_stem(word: str, rest: str) -> str | None:
    """ "sails on weekends" -> "sail": a lower-case word in -s followed by a preposition or an
    article reads as the addressee's verb; "robotics research" does not."""
    if not rest or len(word) <= 3 or not word.isalpha() or not word.endswith("s") \
            or word.endswith("ss") or rest.split()[0].lower() not in _AFTER_VERB:
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


def _clause(text: str) -> str | None:
    """A shorthand clause about the addressee as "how you ...", or None if it is not one."""
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in _SUBJECTS:
        return "how " + _second_person(text)
    if not first.isalpha() or first[:1].isupper():
        return None  # a name ("Kubernetes at scale"): _lower_first lowered every verb
    if word in _POSSESSIVES:
        if _AUXILIARY & {w.lower() for w in rest.split()}:
            return "how " + _second_person(text)  # "her team is hiring"
        return None
    verb = _THIRD_PERSON.get(word) or _verb_stem(word, rest)
    if verb:
        return " ".join(x for x in ("how you", verb, _second_person(rest)) if x)
    if word in _PAST or (word.endswith("ed") and len(word) > 4 and word not in {"speed", "need"}):
        return " ".join(x for x in ("how you", word, _second_person(rest)) if x)
    return None


def cite_point(text: str) -> tuple[str, str]:
    """How a talking point is cited in a letter: ("about", phrase) for "I enjoyed hearing
    about {phrase}", or ("promise", clause) for "you mentioned you {clause}".

    Shorthand becomes sentences addressed to the person: "she will send the offer timeline
    by Friday" is a promise ("you will send..."), "leads the ROS 2 migration" a clause ("how
    you lead..."), "ROS 2 migration next quarter" gets its article ("the ROS 2 migration
    next quarter"); parts joined by commas are cited together when each is a clause ("how you
    grew up in Hamburg and support St. Pauli"). A point that cannot be made grammatical this
    way is quoted ("what you said about “ex-Toyota Research Institute”"), which always is.
    """
    text = _lower_first(_clean_point(text))
    if not text:
        return "about", ""
    promise = _PROMISE.match(text)
    if promise:
        return "promise", "you will " + _second_person(promise.group(1))
    if text.lower().startswith("ex-") and len(text) > 3:
        return "about", f"your time at {text[3:]}"
    parts = [p.strip() for p in re.split(r"[;,]\s+", text) if p.strip()]
    if len(parts) > 1:
        clauses = [_clause(p) for p in parts]
        if all(clauses):
            rest = [c.removeprefix("how you ") for c in clauses[1:]]
            if len(rest) == 1:
                return "about", f"{clauses[0]} and {rest[0]}"
            return "about", ", ".join([clauses[0], *rest[:-1]]) + f", and {rest[-1]}"
        return "about", f"what you said about “{_second_person(text)}”"
    clause = _clause(text)
    if clause:
        return "about", clause
    if _bare_noun_phrase(text):
        return "about", "the " + text
    text = _second_person(text)
    if re.search(r"[^\w\s'’&.-]", text):
        return "about", f"what you said about “{text}”"
    return "about", text


# Notes are shorthand about the person ("leads the ROS 2 migration", "moved from Lyon"): after
# "hearing about" such a point reads "how you lead the ROS 2 migration".
_THIRD_PERSON = {
    "has": "have", "is": "are", "was": "were", "does": "do", "goes": "go",
    **{w + "s": w for w in (
        "lead", "run", "want", "plan", "work", "build", "own", "love", "like", "hate", "need",
        "think", "believe", "say", "hope", "help", "keep", "mentor", "coach", "play", "read",
        "write", "speak", "travel", "cycle", "hike", "climb", "swim", "cook", "collect", "run",
        "start", "join", "hire", "support", "oversee", "prefer", "enjoy", "spend", "visit",
        "expect", "recommend", "suggest", "drive", "grow", "make", "take", "look", "care",
        "volunteer", "teach", "design", "sell", "ship", "maintain", "organise", "organize")},
    "manages": "manage", "reaches": "reach", "watches": "watch", "teaches": "teach",
    "pushes": "push", "fixes": "fix", "studies": "study", "tries": "try", "flies": "fly",
    "worries": "worry", "carries": "carry",
}
_PAST = {"left", "built", "led", "ran", "spent", "grew", "took", "made", "came", "went", "wrote",
         "taught", "sold", "lost", "won", "met", "began", "got", "gave", "had", "was", "did",
         "said", "told", "thought", "brought", "bought", "found", "kept", "held", "felt"}


def _as_about(text: str) -> str:
    first, _, rest = text.partition(" ")
    word = first.lower()
    if not first.isalpha() or first[:1].isupper() and not first[1:].islower():
        return text
    if word in _THIRD_PERSON:
        return " ".join(x for x in ("how you", _THIRD_PERSON[word], rest) if x)
    if word in _PAST or (word.endswith("ed") and len(word) > 4 and word not in {"speed", "need"}):
        return " ".join(x for x in ("how you", word, rest) if x)
    return text


def _natural_join(items: Iterable[str], repeat: str = "") -> str:
    """["a", "b", "c"] -> "a, b, and c"; with repeat="about ", two items give "a, and about b"."""
    items = [str(i) for i in items if str(i)]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]}, and {repeat}{items[1]}" if repeat else f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


def _long_date(value: Any, year: bool = True) -> str:
    """ "2024-03-12" -> "12 March 2024" ("12 March" with year=False); else returned as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{value.day} {_MONTHS[value.month - 1]}" + (f" {value.year}" if year else "")


def _environment(user_dir: Path | str | None) -> SandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None and Path(user_dir).is_dir():
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(SHIPPED_DIR)))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["natural_join"] = _natural_join
    env.filters["long_date"] = _long_date
    env.filters["point_phrase"] = _point_phrase
    return env


def list_templates(user_dir: Path | str | None = None) -> list[str]:
    """Names of the shipped templates plus the user's own ``*.j2`` files in ``user_dir``."""
    names = {p.name[: -len(TEMPLATE_SUFFIX)] for p in SHIPPED_DIR.glob("*" + TEMPLATE_SUFFIX)}
    if user_dir is not None and Path(user_dir).is_dir():
        names |= {
            p.name[: -len(TEMPLATE_SUFFIX)]
            for p in Path(user_dir).glob("*" + TEMPLATE_SUFFIX)
            if p.is_file() and _NAME_RE.match(p.name)
        }
    return sorted(names)


def _limits(source: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for match in _LIMIT_RE.finditer(source):
        for item in match.group(1).split():
            key, _, value = item.partition("=")
            if key in ("max_words", "max_chars") and value.isdigit():
                limits[key] = int(value)
    return limits


def _pick_event(contact: dict, event: Any) -> dict | None:
    """Resolve ``event`` (dict, id or name; None = the contact's most recent event)."""
    events = [e for e in (contact.get("events") or []) if isinstance(e, dict)]
    if event is None:
        if not events:
            return None
        return max(events, key=lambda e: (str(e.get("date") or ""), e.get("id") or 0))
    if isinstance(event, dict):
        # Take the role the contact had at that event from the contact's own list.
        for e in events:
            if event.get("id") is not None and e.get("id") == event.get("id"):
                return {**e, **{k: v for k, v in event.items() if v is not None}}
        return dict(event)
    for e in events:
        if isinstance(event, int) and e.get("id") == event:
            return e
        if isinstance(event, str) and (e.get("name") or "").casefold() == event.casefold():
            return e
    if isinstance(event, str) and event.strip().isdigit():
        for e in events:  # an id given as text, as a command line passes it
            if e.get("id") == int(event):
                return e
        raise LetterError(f"event {event} is not one of this contact's events")
    if isinstance(event, str):
        return {"id": None, "name": event}
    raise LetterError(f"event {event!r} is not one of this contact's events")


def _pick_points(contact: dict, points: Any, event: dict | None) -> list[str]:
    """Resolve ``points`` (texts, talking-point dicts or ids; None = the first two for the event)."""
    stored = [p for p in (contact.get("talking_points") or []) if isinstance(p, dict)]
    if points is None:
        chosen = stored
        if event is not None and event.get("id") is not None:
            at_event = [p for p in stored if p.get("event_id") == event.get("id")]
            chosen = at_event or stored
        chosen = sorted(chosen, key=lambda p: (p.get("position") is None, p.get("position") or 0))
        texts = [p.get("text") or "" for p in chosen[:DEFAULT_POINTS]]
    else:
        if isinstance(points, (str, dict, int)):
            points = [points]
        texts = []
        for p in points:
            if isinstance(p, dict):
                texts.append(p.get("text") or "")
            elif isinstance(p, int) and not isinstance(p, bool):
                match = [s for s in stored if s.get("id") == p]
                if not match:
                    raise LetterError(f"talking point {p} does not belong to this contact")
                texts.append(match[0].get("text") or "")
            else:
                texts.append(str(p))
    return [t for t in texts if _clean_point(t)]


_CONTACT_KEYS = (
    "id",
    "uid",
    "full_name",
    "given_name",
    "family_name",
    "pronunciation",
    "mnemonic",
    "title",
    "company",
    "website",
    "address",
)


def _contact_view(contact: dict) -> dict:
    view = {k: contact.get(k) for k in _CONTACT_KEYS}
    for k in ("emails", "phones", "urls", "tags", "events", "notes", "talking_points"):
        view[k] = list(contact.get(k) or [])
    full = (contact.get("full_name") or "").strip()
    if not full:
        full = " ".join(x for x in (contact.get("given_name"), contact.get("family_name")) if x)
    view["full_name"] = full or None
    # Greet by the given name exactly as stored; never re-capitalise someone's name.
    view["greeting_name"] = (contact.get("given_name") or "").strip() or full or "there"
    return view


def _sender_view(sender: dict | None) -> dict:
    sender = dict(sender or {})
    name = (sender.get("name") or "").strip()
    signature = (sender.get("signature") or "").strip("\n") or name
    return {"name": name, "signature": signature, "email": (sender.get("email") or "").strip()}


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n"


def render_letter(
    contact: dict,
    *,
    event: Any = None,
    points: Any = None,
    template: str = "thank-you",
    sender: dict | None = None,
    user_dir: Path | str | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Render one letter to ``contact``.

    ``event``: an event dict, an event id or name from ``contact["events"]``; None picks the most
    recent one.  ``points``: talking points to cite (texts, dicts with "text", or ids of the
    contact's talking points); None takes up to two of the contact's points for that event.
    A first line ``Subject: ...`` in the rendered text becomes the subject.
    ``today`` (the store's clock) sets the tense of dates: the meeting is "today",
    "yesterday" or "on 3 December" — the day the person was met (``event["met"]``, else the
    event's date), and never a day still ahead.
    """
    name = template.removesuffix(TEMPLATE_SUFFIX)
    if not _NAME_RE.match(name or ""):
        raise LetterError(f"invalid template name {template!r}")
    env = _environment(user_dir)
    try:
        source, _, _ = env.loader.get_source(env, name + TEMPLATE_SUFFIX)
        tmpl = env.get_template(name + TEMPLATE_SUFFIX)
    except jinja2.TemplateNotFound:
        available = ", ".join(list_templates(user_dir))
        raise LetterError(f"no letter template {name!r} (available: {available})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise LetterError(f"template {name!r} line {exc.lineno}: {exc.message}") from None

    ev = _pick_event(contact, event)
    chosen = _pick_points(contact, points, ev)
    cited = [cite_point(t) for t in chosen]
    ev_view = None
    if ev is not None:
        ev_view = {k: ev.get(k) for k in ("id", "name", "date", "company", "kind", "role")}
        ev_view["met_when"] = met_when(ev.get("met") or ev.get("date"), today)
    ctx = {
        "contact": _contact_view(contact),
        "event": ev_view,
        "role": (ev or {}).get("role"),
        "points": [phrase for kind, phrase in cited if kind == "about" and phrase],
        "promises": [phrase for kind, phrase in cited if kind == "promise"],
        "sender": _sender_view(sender),
    }
    try:
        text = _render_bounded(tmpl, ctx, name)
    except LetterError:
        raise
    except jinja2.UndefinedError as exc:
        raise LetterError(f"template {name!r}: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise LetterError(f"template {name!r}: unsafe operation refused ({exc})") from None
    except jinja2.TemplateError as exc:
        raise LetterError(f"template {name!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a user template can fail in any way; report it
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise LetterError(f"template {name!r}: {type(exc).__name__}: {reason}") from None

    subject = ""
    text = text.lstrip("\n")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        text = rest
    body = _tidy(text)

    limits = _limits(source)
    words = len(body.split())
    if "max_words" in limits and words > limits["max_words"]:
        raise LetterError(
            f"the {name} letter is {words} words, over its limit of {limits['max_words']}: "
            "choose fewer or shorter talking points"
        )
    chars = len(body.rstrip("\n"))
    if "max_chars" in limits and chars > limits["max_chars"]:
        raise LetterError(
            f"the {name} message is {chars} characters, over its limit of {limits['max_chars']}: "
            "choose fewer or shorter talking points"
        )
    return Letter(
        subject=subject,
        body=body,
        template=name,
        contact_id=contact.get("id"),
        event_id=(ev or {}).get("id"),
    )


# A user's template may loop for ever ({% for i in range(99999) %}{% for j in range(99999) %}):
# rendering stops at this much time or text with a clear message.
RENDER_SECONDS = 2.0
RENDER_MAX_CHARS = 100_000


class _Overrun(Exception):
    pass


def _render_bounded(tmpl, ctx: dict, name: str) -> str:
    """Render, giving up after RENDER_SECONDS or RENDER_MAX_CHARS of output.

    Jinja2 compiles a template to Python; a trace function on the template's own frames
    checks the clock on every line it runs, so a loop that prints nothing is stopped too.
    """
    import sys
    import time

    deadline = time.perf_counter() + RENDER_SECONDS  # a duration, not a date: no clock
    filename = tmpl.filename or "<template>"

    lines = [0]

    def local(frame, event, arg):
        lines[0] += 1
        # The clock is read every 256 lines: tracing must not be what makes it slow.
        if not lines[0] & 255 and time.perf_counter() > deadline:
            raise _Overrun("time")
        return local

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == filename or frame.f_code.co_filename == "<template>":
            return local(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        out, size = [], 0
        for chunk in tmpl.generate(**ctx):
            out.append(chunk)
            size += len(chunk)
            if size > RENDER_MAX_CHARS:
                raise _Overrun("size")
        return "".join(out)
    except _Overrun as e:
        limit = (f"ran for more than {RENDER_SECONDS:g} s" if str(e) == "time"
                 else f"wrote more than {RENDER_MAX_CHARS:,} characters")
        raise LetterError(f"template {name!r} {limit} and was stopped: check its loops") \
            from None
    finally:
        sys.settrace(previous)


def met_when(value, today: dt.date | None) -> str | None:
    """ "today", "yesterday", "on 3 December" (with the year if another year); None for a
    day still ahead of `today` (a letter does not thank anyone for tomorrow's interview)."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    if today is None:
        return "on " + _long_date(day, year=False)
    if day > today:
        return None
    if day == today:
        return "today"
    if (today - day).days == 1:
        return "yesterday"
    return "on " + _long_date(day, year=day.year != today.year)


def _first_email(contact: dict) -> str | None:
    for item in contact.get("emails") or []:
        value = item.get("value") if isinstance(item, dict) else item
        if value and str(value).strip():
            return str(value).strip()
    return None


def _address(name: str | None, addr: str | None) -> Address | None:
    if not addr or "@" not in addr:
        return None
    local, _, domain = addr.rpartition("@")
    return Address(display_name=name or "", username=local, domain=domain)


def letter_to_eml(
    letter: Letter, contact: dict, sender: dict | None, *, date: dt.datetime | None = None
) -> bytes:
    """An unsent e-mail draft (``X-Unsent: 1``) with CRLF line endings, ready to open in a mail client."""
    sender = _sender_view(sender)
    msg = EmailMessage(policy=email.policy.SMTP)
    try:
        to = _address(_contact_view(contact)["full_name"], _first_email(contact))
        if to is not None:
            msg["To"] = to
        frm = _address(sender["name"], sender["email"])
        if frm is not None:
            msg["From"] = frm
        msg["Subject"] = letter.subject or "Thank you"
        when = date or SYSTEM.now().astimezone()
        msg["Date"] = email.utils.format_datetime(when)
        domain = (
            sender["email"].rpartition("@")[2] if "@" in sender["email"] else ""
        ) or "namecards.invalid"
        msg["Message-ID"] = email.utils.make_msgid(domain=domain.encode("idna").decode("ascii"))
        msg["X-Unsent"] = "1"
        msg.set_content(letter.body)
        return msg.as_bytes()
    except (ValueError, TypeError, UnicodeError, IndexError) as exc:
        raise FormatError(f"cannot write the e-mail draft: {exc}") from None


def letter_to_markdown(letter: Letter) -> str:
    """The letter as Markdown: the subject as a heading (when there is one), then the body."""
    body = letter.body.rstrip("\n") + "\n"
    if letter.subject:
        return f"# {letter.subject}\n\n{body}"
    return body


__all__ = [
    "Letter",
    "LetterError",
    "letter_to_eml",
    "letter_to_markdown",
    "list_templates",
    "render_letter",
    "strip_cloze",
]
