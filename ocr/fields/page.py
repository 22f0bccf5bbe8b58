"""The extraction steps, each a small function over one Page: what has been found so far and
which lines are used. Order matters: what is surest (e-mails, phones) is taken first, so the
name, company and title are chosen among the lines left."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import addresses, companies, emails, layout, lexicon, names, phones, repair, titles, web
from .layout import OcrLine, Seg

FIELD_KEYS = ("full_name", "given_name", "family_name", "title", "company", "emails", "phones",
              "website", "address")
FIELD_LABEL = re.compile(r"(?i)(?:web\s?site|web|e-?mail|phone|tel|mobile|mob|fax|address)\W*")
LABELLED = re.compile(r"^\s*[^\W\d_]{1,8}\s?:\s|:\s*$")
HOURS = re.compile(r"\b(?:hours|open|mon|tue|wed|thu|fri|sat|sun)\w*\b.*\d", re.I)


@dataclass
class Page:
    segs: list[Seg]
    region: str | None
    fields: dict = field(default_factory=dict)
    conf: dict[str, float] = field(default_factory=dict)
    sources: dict[str, list[int]] = field(default_factory=dict)  # field -> input lines (+words)
    used: set[int] = field(default_factory=set)
    regions: list[str | None] = field(default_factory=list)
    card_regions: list[str] = field(default_factory=list)
    name_k: list[int] = field(default_factory=list)
    guessed_region: str | None = None  # the country only the numbers' formats point to

    def __post_init__(self) -> None:
        self.fields = {k: None for k in FIELD_KEYS}
        self.fields.update(emails=[], phones=[], faxes=[])
        heights = [s.height for s in self.segs if s.height]
        self.max_h = max(heights) if heights else None
        self.med_h = sorted(heights)[len(heights) // 2] if heights else None

    def rest(self) -> list[int]:
        return [k for k in range(len(self.segs)) if k not in self.used]

    def rel_h(self, k: int) -> float:
        s = self.segs[k]
        return s.height / self.max_h if s.height and self.max_h else 0.5

    def line_conf(self, k: int) -> float:
        return max(0.0, min(1.0, self.segs[k].conf / 100.0))

    def locals_(self) -> list[str]:
        return [e.split("@")[0] for e in self.fields["emails"]]

    def domains(self) -> list[str]:
        ds = [web.domain_core(e.split("@")[1]) for e in self.fields["emails"]]
        if self.fields["website"]:
            ds.append(web.domain_core(self.fields["website"]))
        from .lexicon import FREE_MAIL

        return [d for d in ds if d and d not in FREE_MAIL]

    def take(self, key: str, ks: list[int], value, conf: float) -> None:
        self.fields[key] = value
        self.conf[key] = round(max(0.0, min(1.0, conf)), 2)
        self.sources[key] = sorted({self.segs[k].source for k in ks})
        self.used.update(ks)


def find_emails(p: Page) -> None:
    confs = []
    for k, s in enumerate(p.segs):
        for e, _, _ in emails.find_emails(s.text):
            if e not in p.fields["emails"]:
                p.fields["emails"].append(e)
                confs.append(p.line_conf(k))
            p.used.add(k)
    if confs:
        p.conf["emails"] = round(min(confs), 2)


def find_website(p: Page) -> None:
    for k in p.rest():
        w = web.find_website(p.segs[k].text)
        if w:
            p.take("website", [k], w, p.line_conf(k))
            break
    if p.fields["website"]:
        # An e-mail domain cut short ("…logistics.p") is completed from the website, a website
        # that lost a dot ("www.optiquemercierfr") from the e-mail's domain.
        host = p.fields["website"].split("/")[0].removeprefix("www.")
        fixed = []
        for e in p.fields["emails"]:
            local, _, dom = e.partition("@")
            if dom != host and (host.startswith(dom) or dom.startswith(host)) and \
                    abs(len(host) - len(dom)) <= 2:  # "…logistics.p", "…interglobe.aei"
                e = f"{local}@{host}"
            fixed.append(e)
        p.fields["emails"] = fixed
        for e in p.fields["emails"]:
            dom = e.partition("@")[2]
            if host != dom and host.replace(".", "") == dom.replace(".", ""):
                p.fields["website"] = p.fields["website"].replace(host, dom, 1)
                break
        return
    doms = {e.partition("@")[2].replace(".", ""): e.partition("@")[2] for e in p.fields["emails"]}
    for k in p.rest():
        t = p.segs[k].text.strip().lower().replace(" ", "")
        m = re.fullmatch(r"(?:https?:/+)?(www\.)?([a-z0-9.-]{4,})", t)
        if m and m.group(2).replace(".", "") in doms:
            p.take("website", [k], (m.group(1) or "") + doms[m.group(2).replace(".", "")],
                   p.line_conf(k) * 0.9)
            break


def find_regions(p: Page) -> None:
    for s in p.segs:
        cc = addresses.country_in(s.text)
        if cc:
            p.card_regions.append(cc)
    hosts = [p.fields["website"]] if p.fields["website"] else []
    for d in hosts + [e.split("@")[1] for e in p.fields["emails"]]:
        r = web.region_from_domain(d)
        if r:
            p.card_regions.append(r)
    # A number written with +CC says which country the card's national numbers are from.
    # (Not a country the card names, though: "+43" may be "+48" read wrong, see find_phones.)
    plus = [r for s in p.segs for r in phones.international_regions(s.text)]
    guessed = None
    if not (p.region or plus or p.card_regions):
        guessed = phones.region_of_numbers([s.text for s in p.segs])
        p.guessed_region = guessed if guessed != "US" else None
    for r in [p.region.upper() if p.region else None, *plus, *p.card_regions, guessed, "US"]:
        if r and r not in p.regions:
            p.regions.append(r)
    p.fields["region"] = p.regions[0] if p.regions else None


def find_phones(p: Page) -> None:
    confs = []
    for k in p.rest():
        s = p.segs[k]
        digits = sum(c.isdigit() for c in s.text)
        if digits < 6:
            continue
        nums = phones.find_phones(s.text, p.regions)
        if not nums:
            continue
        # An address line holding a number is still an address unless a label says phone.
        covered = sum(sum(c.isdigit() for c in s.text[a:b]) for _, _, a, b in nums)
        if addresses.is_address(s.text) and covered < 0.6 * digits and \
                not phones.PHONE_LABEL.search(s.text):
            continue
        for e164, is_fax, a, b in nums:
            e164 = phones.fit_card_region(e164, s.text[a:b], p.card_regions)
            key = "faxes" if is_fax else "phones"
            if e164 not in p.fields[key]:
                p.fields[key].append(e164)
                confs.append(p.line_conf(k))
        p.used.add(k)
    if confs:
        p.conf["phones"] = round(min(confs), 2)
        if p.guessed_region and p.regions[0] == p.guessed_region:
            p.conf["phones"] = min(p.conf["phones"], 0.7)  # the country is a guess
        if any(_unread_number(p, k) for k in range(len(p.segs))):
            p.conf["phones"] = min(p.conf["phones"], 0.7)  # a number on the card was not read


def _unread_number(p: Page, k: int) -> bool:
    """A line with a phone label or a long run of digits from which no number was read."""
    t = p.segs[k].text
    if "@" in t or (k in p.used and not phones.PHONE_LABEL.search(t)):
        return False
    runs = re.findall(r"\d[\d\s().-]{5,}\d", t)
    found = phones.find_phones(t, p.regions)
    covered = sum(sum(c.isdigit() for c in t[a:b]) for _, _, a, b in found)
    left = sum(sum(c.isdigit() for c in r) for r in runs) - covered
    return left >= 7 and not addresses.is_address(t)


def drop_noise(p: Page) -> None:
    for k in p.rest():
        t = p.segs[k].text
        if HOURS.search(t) and not addresses.is_address(t):
            p.used.add(k)


def find_address(p: Page) -> None:
    idx = [k for k in p.rest()
           if addresses.is_address(p.segs[k].text) and titles.strength(p.segs[k].text) < 2]
    if not idx:
        return
    grow = set(idx)
    for k in idx:  # the city line right after a street line belongs to the address too
        j = k + 1
        if j < len(p.segs) and j not in p.used and j not in grow and \
                addresses.POSTCODE.search(p.segs[j].text):
            grow.add(j)
    idx = sorted(grow)
    text = ", ".join(p.segs[k].text.strip(" ,") for k in idx)
    p.take("address", idx, text, sum(p.line_conf(k) for k in idx) / len(idx) * 0.9)


def _name_candidates(p: Page):
    """(line indices, text) of every line, and of every two stacked short lines ("koen" over
    "de jong"), that could hold a name."""
    rest = p.rest()
    for k in rest:
        yield [k], p.segs[k].text
    for a, b in zip(rest, rest[1:], strict=False):
        sa, sb = p.segs[a], p.segs[b]
        if b == a + 1 and len(sa.text.split()) <= 2 and len(sb.text.split()) <= 2 and \
                layout.stacked(sa, sb):
            yield [a, b], f"{sa.text} {sb.text}"


def find_name(p: Page) -> None:
    locals_ = p.locals_()
    domains = p.domains()
    title_lines = [k for k in p.rest() if titles.strength(p.segs[k].text) == 2]
    scored = []
    for ks, text in _name_candidates(p):
        parts = names.split_name(text)
        if not parts:
            continue
        like = names.person_likeness(parts, text)
        sup = emails.supports(parts.given, parts.family, locals_)
        company_like = companies.domain_match(text, domains) >= 0.85 or \
            companies.has_organisation_word(text)
        # Beside a title: above or below it, or cut from the same line ("Name, Title").
        near_title = any(j in layout.neighbours(p.segs, ks[-1], title_lines) or
                         j in layout.neighbours(p.segs, ks[0], title_lines) or
                         p.segs[j].source == p.segs[ks[0]].source
                         for j in title_lines if j not in ks)
        evidence = like + 1.2 * sup
        if evidence < 0 or (company_like and sup < 0.8):
            continue
        # Two capitalised words are not yet a name: a known given name or surname, an e-mail
        # that spells it, or a job title beside it must say so.
        if not (sup >= 0.5 or near_title or names.known_parts(parts)):
            continue
        size = max(p.rel_h(k) for k in ks)
        score = evidence + 0.6 * size + (0.25 if near_title else 0) - 0.02 * ks[0] / max(
            1, len(p.segs))
        scored.append((score, ks, parts, like, sup))
    if not scored:
        return
    scored.sort(key=lambda c: -c[0])
    best, ks, parts, like, sup = scored[0]
    # Another line that is about as much a name (two people on one card, or a company that
    # reads like one) leaves the choice to the user.
    rival = any(s >= best - 0.25 and not set(k2) & set(ks) for s, k2, _, _, _ in scored[1:])
    line_conf = min(p.line_conf(k) for k in ks)
    if line_conf < 0.9 and locals_:
        mended = emails.mend_name(parts.given, parts.family, locals_)
        if mended:
            full = parts.full.replace(parts.given, mended[0], 1).replace(parts.family,
                                                                         mended[1], 1)
            parts = names.NameParts(full, mended[0], mended[1], parts.honorific, parts.suffix)
    # Sure: the e-mail spells it, or a known given name with nothing to rival it. Otherwise
    # (only a surname known, an unknown name beside a title) under the review threshold even
    # when both engines read it alike.
    if sup >= 0.8:
        certainty = 1.0
    elif names.known_given(parts) and not rival:
        certainty = 0.85
    else:
        certainty = 0.62
    # Words run into the name (a title, a logo beside it): the user checks where it ends.
    if names.run_into(parts, " ".join(p.segs[k].text for k in ks)):
        certainty = min(certainty, 0.7)
    p.take("full_name", ks, parts.full, line_conf * certainty)
    p.fields["given_name"] = parts.given
    p.fields["family_name"] = parts.family
    p.conf["given_name"] = p.conf["family_name"] = p.conf["full_name"]
    if parts.honorific:
        p.fields["honorific"] = parts.honorific
    if parts.suffix:
        p.fields["suffix"] = parts.suffix
    p.sources["full_name_words"] = [w for k in ks for w in p.segs[k].words]
    p.name_k = ks
    p.fields["emails"] = [emails.from_name(e, parts.given, parts.family)
                          for e in p.fields["emails"]]


def _company_score(p: Page, ks: list[int], text: str, domains: list[str]) -> float:
    legal = companies.legal_form_at_end(text)
    score = 2.0 if legal else 0.0
    score += 1.5 * max(companies.domain_match(text, domains),
                       companies.initials_match(text, domains))
    if companies.has_organisation_word(text):
        score += 0.6
    if companies.shares_domain_word(text, domains):
        score += 0.5
    if titles.strength(text) == 2 and not legal:
        score -= 1.5
    if titles.is_sentence(text):
        score -= 1.0
    parts = names.split_name(text)
    if parts and not legal and names.person_likeness(parts, text) >= 0.45:
        score -= 1.0
    return score + 0.3 * max(p.rel_h(k) for k in ks)


def fold_words(text: str) -> list[str]:
    return [lexicon.fold(w) for w in text.split() if lexicon.fold(w)]


def _joined(p: Page, ks: list[int]) -> str:
    return " ".join(p.segs[j].text.strip(" ,") for j in ks)


def find_company(p: Page) -> None:
    domains = p.domains()
    best = None
    # Each line is scored with the lines it was wrapped from: a company set on two or three
    # lines is evidence only as a whole ("SELI" / "OVERSEAS" spell seli-overseas.com).
    for k in p.rest():
        if not re.search(r"[^\W\d_]{2,}", p.segs[k].text):
            continue
        ks = _company_lines(p, k, domains)
        score = _company_score(p, ks, _joined(p, ks), domains)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, ks)
    if best:
        score, ks = best
        text = _joined(p, ks)
        domain = max(companies.domain_match(text, domains), companies.initials_match(text, domains))
        legal = companies.legal_form_at_end(text)
        # A name on several lines is sure only when the domain or the legal form accounts for
        # every line of it: a line joined by position alone may be a slogan or a department.
        pieces = len(ks) == 1 or all(
            companies.spells_part_of_domain(p.segs[j].text, domains) or
            companies.initials_match(text, domains) or
            companies.legal_form_at_end(p.segs[j].text) for j in ks)
        if not pieces:
            certainty = 0.62
        elif legal and domain or domain >= 0.95:
            certainty = 1.0
        elif legal and len(text.split()) > 2 or companies.initials_match(text, domains):
            certainty = 0.85
        else:  # a legal form after one word ("Holding GmbH") is often the end of a longer name
            certainty = 0.62
        p.take("company", ks, repair.company(text), min(p.line_conf(j) for j in ks) * certainty)


def _company_lines(p: Page, k: int, domains: list[str]) -> list[int]:
    """The company's line with the lines it was wrapped from: a company name set as a logo on
    two or three lines ("Hansa Meyer Global" over "Holding GmbH", "SELI" over "OVERSEAS"), or
    its words set apart on one row ("ND" "DEFENSE")."""
    row = [k]
    if titles.strength(p.segs[k].text) == 2 and not companies.legal_form_at_end(p.segs[k].text):
        return row  # a job title does not start a company name
    for side in (-1, 1):
        j = k
        while len(row) < 3:
            i = _next_in_row(p, j, side)
            if i is None or i in row or i in p.used or \
                    not _continues_company(p, p.segs[j], i, side, 0, row, domains):
                break
            row = [i, *row] if side < 0 else [*row, i]
            j = i
    boxes = [p.segs[i].box for i in row if p.segs[i].box]
    block = p.segs[k]
    if len(boxes) > 1:
        left, top_ = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        block = Seg(_joined(p, row), [left, top_, right - left, bottom - top_],
                    max(p.segs[i].height or 0 for i in row) or None)
    ks = list(row)
    # A legal form ends a company name: only lines above can belong to it then.
    for direction in (-1,) if companies.legal_form_at_end(p.segs[row[-1]].text) else (-1, 1):
        a = block
        while len(ks) < 3:
            i = _next_in_column(p, a, direction)
            if i is None or i in ks or i in p.used or \
                    not _continues_company(p, a, i, direction, direction, ks, domains):
                break
            ks = [i, *ks] if direction < 0 else [*ks, i]
            a = p.segs[i]
    return ks


def _next_in_row(p: Page, j: int, side: int) -> int | None:
    """The line right beside line j on the same text row, left (side -1) or right (+1)."""
    a = p.segs[j]
    if not a.box:
        return None
    ha = a.height or a.box[3]
    best = None
    for i, b in enumerate(p.segs):
        if i == j or not b.box:
            continue
        hb = b.height or b.box[3]
        if abs((b.box[1] + b.box[3] / 2) - (a.box[1] + a.box[3] / 2)) > 0.3 * max(ha, hb) or \
                max(ha, hb) > 1.5 * min(ha, hb):
            continue
        gap = b.box[0] - (a.box[0] + a.box[2]) if side > 0 else a.box[0] - (b.box[0] + b.box[2])
        if -0.2 * ha <= gap <= 1.0 * max(ha, hb) and (best is None or gap < best[0]):
            best = (gap, i)
    return best[1] if best else None


def _next_in_column(p: Page, a: Seg, direction: int) -> int | None:
    """The nearest line above (direction -1) or below (+1) line a that shares its column."""
    if not a.box:
        return None
    best = None
    for i, b in enumerate(p.segs):
        if b is a or not b.box:
            continue
        overlap = min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - max(a.box[0], b.box[0])
        if overlap <= 0.3 * min(a.box[2], b.box[2]):
            continue
        d = (b.box[1] + b.box[3] / 2) - (a.box[1] + a.box[3] / 2)
        if d * direction <= 0:
            continue
        if best is None or abs(d) < best[0]:
            best = (abs(d), i)
    return best[1] if best else None


def _company_piece(s: Seg, locals_: list[str]) -> bool:
    """Whether a short line may be one piece of a company name set on several lines."""
    t = s.text
    if any(len(w) >= 3 and w in loc for w in fold_words(t) for loc in locals_):
        return False  # the e-mail spells it: the person's name ("Ducu Tabacu Mudlogger")
    # Lines that only narrow a role ("Freight", "International") are company words as often:
    # only a line that names a role is a title here.
    if len(t.split()) > 3 or re.search(r"[\d@,:]", t) or titles.strength(t) == 2 or \
            titles.is_sentence(t) or addresses.has_street(t) or addresses.country_in(t):
        return False
    if s.conf < 85 or any(len(w) < 2 for w in re.findall(r"[^\W\d_]+", t)):
        return False  # logo marks read as letters
    parts = names.split_name(t)
    return not (parts and names.person_likeness(parts, t) >= 0.3)


def _continues_company(p: Page, a: Seg, i: int, order: int, direction: int, ks: list[int],
                       domains: list[str]) -> bool:
    """Whether line i, beside line a (before it when order < 0), carries on the company name
    made of lines ks."""
    b = p.segs[i]
    t = b.text
    # The line it would join may be longer ("Bangladesh Ltd."), but not a licence or an address.
    if not _company_piece(b, p.locals_()) or any(re.search(r"[\d@:]", p.segs[j].text) or
                                    addresses.has_street(p.segs[j].text) for j in ks):
        return False
    if direction < 0 and companies.legal_form_at_end(t):
        return False  # the line above already ends a company of its own
    so_far = _joined(p, ks)
    joined = f"{t} {so_far}" if order < 0 else f"{so_far} {t}"
    mine, theirs = set(fold_words(t)), set(fold_words(so_far))
    if mine <= theirs or theirs <= mine:
        return False  # a logo word the name spells out again ("seas" / "SEVEN SEAS LOGISTICS")
    # One part that already spells the domain is the name; what the domain does not hold is
    # a descriptor ("Blaiklock" over "international logistics").
    for whole, other in ((so_far, t), (t, so_far)):
        if companies.is_domain(whole, domains) and not companies.legal_form_at_end(other) and \
                not companies.spells_part_of_domain(other, domains):
            return False
    if direction == 0:
        return True
    in_domain = companies.spells_part_of_domain(t, domains) and \
        companies.spells_part_of_domain(joined, domains)
    ha, hb = a.height or a.box[3], b.height or b.box[3]
    if max(ha, hb) > 2.5 * min(ha, hb) and not in_domain:
        return False  # a descriptor in much smaller type under a logo ("international logistics")
    gap = (a.box[1] - (b.box[1] + b.box[3])) if direction < 0 else (b.box[1] - (a.box[1] + a.box[3]))
    # Close below or above (a small line may sit inside a big logo line's box) is one name;
    # a wider gap only when both pieces spell parts of the e-mail or web domain.
    return gap <= 0.6 * max(ha, hb) or (gap <= 1.2 * max(ha, hb) and in_domain)


def _joins_title(p: Page, k: int, j: int, title_strength: int) -> bool:
    """Whether line j carries on the title of line k (a title wrapped over two lines)."""
    t = p.segs[j].text
    if len(t) > 40 or re.search(r"\d|@", t) or companies.legal_form_at_end(t):
        return False
    parts = names.split_name(t)
    if parts and titles.strength(t) < 2 and names.person_likeness(parts, t) >= 0:
        return False
    upper, lower = sorted((k, j), key=lambda x: layout.top(p.segs[x], x))
    joint = p.segs[upper].text.rstrip().endswith((",", "&", " and", " of", " for", "-", "/")) or \
        re.match(r"^(?:&|and\b|of\b|for\b|-|/)", p.segs[lower].text.strip(), re.I)
    # Without a joining word, a title is completed only by a line naming a role, when it
    # names none yet or its last word still waits for one ("Principal Software" / "Engineer").
    upper_last = titles.tokens(p.segs[upper].text)[-1:] or [""]
    dangling = lexicon.title_words().get(upper_last[0]) == "modifier"
    if joint or (titles.strength(t) == 2 and (title_strength < 2 or dangling)):
        return True
    # A title wrapped before its head word ("Customer Success" / "Manager", "Senior Software"
    # / "Engineer"): the upper line only narrows a role, the lower one names it.
    upper_t, lower_t = p.segs[upper].text, p.segs[lower].text
    if titles.strength(upper_t) == 1 and titles.strength(lower_t) == 2 and \
            len(lower_t.split()) <= 3 and titles.narrowing_only(upper_t):
        return True
    # ...or after an "of" whose object runs on ("Director of Safety" / "Research").
    return bool(re.search(r"(?i)\b(?:of|for)\s+\S+$", upper_t.strip())) and \
        titles.strength(lower_t) == 1 and len(lower_t.split()) <= 2 and \
        titles.narrowing_only(lower_t)


def _title_in_doubt(p: Page, parts: list[int], rest: list[int]) -> bool:
    """Whether the title read may be short of, or beside, another, or hold more: a line next
    to it that also holds title words and was not joined to it (a wrap the reader did not see,
    a title in a second language), words before the title words that may be a name, or words
    run together by the engine ("DrectorDiretor")."""
    for k in parts:
        for j in layout.neighbours(p.segs, k, rest):
            t = p.segs[j].text
            if j in parts or j in p.name_k or re.search(r"\d|@", t) or len(t) > 40:
                continue
            if titles.strength(t) and not titles.is_sentence(t):
                return True
    # No name read, and two words or more before the title words that could be a name the
    # lists do not know ("Tendai Moyo Chief Engineer" when no e-mail spells it).
    for k in parts if not p.fields["full_name"] else ():
        t = p.segs[k].text
        i = titles.title_part(t)
        head = " ".join(t.split()[:i or 0])
        parts_ = names.split_name(head) if i is not None and i >= 2 else None
        if parts_ and names.person_likeness(parts_, head) >= 0.1:
            return True
    words = lexicon.title_words()
    return any(re.search(r"[a-z][A-Z]", w) and words.get(lexicon.fold(w)) is None
               for k in parts for w in p.segs[k].text.split())


def find_title(p: Page) -> None:
    rest = p.rest()
    cands = [k for k in rest
             if titles.strength(p.segs[k].text)
             and sum(c.isdigit() for c in p.segs[k].text) == 0
             and len(p.segs[k].text) <= 70
             and not titles.is_sentence(p.segs[k].text)]
    if not cands:
        return
    anchor = p.name_k[-1] if p.name_k else None

    def order(k: int):
        strong = titles.strength(p.segs[k].text) == 2
        if anchor is None:
            return (not strong, k)
        # The title sits next to the name, more often under it than above.
        return (not strong, abs(k - anchor), k < anchor)

    k = min(cands, key=order)
    strength = titles.strength(p.segs[k].text)
    parts = [k]
    for j in layout.neighbours(p.segs, k, rest):
        if j not in parts and j not in p.name_k and _joins_title(p, k, j, strength):
            parts.append(j)
    parts.sort(key=lambda x: layout.top(p.segs[x], x))
    # A comma inside a wrapped title is the title's ("Vice President, Operations").
    title = " ".join(p.segs[j].text.strip(" |") for j in parts).strip(" ,")
    certainty = 0.95 if titles.strength(title) == 2 else 0.6
    if _title_in_doubt(p, parts, rest):
        certainty = min(certainty, 0.7)
    p.take("title", parts, titles.clean(title), min(p.line_conf(j) for j in parts) * certainty)


def fallback_company(p: Page) -> None:
    """No company by its marks: the biggest line left that is neither a slogan nor noise."""
    if p.fields["company"]:
        return
    rest = [k for k in p.rest()
            if re.search(r"[^\W\d_]{3,}", p.segs[k].text)
            and sum(c.isdigit() for c in p.segs[k].text) <= 2
            and not titles.is_sentence(p.segs[k].text)
            and not FIELD_LABEL.fullmatch(re.sub(r"^\W+|\W+$", "", p.segs[k].text))
            # A labelled line ("A: Ipswich Head Office", "Milan Branch Office:") is a
            # contact detail or a heading, not a name.
            and not LABELLED.search(p.segs[k].text)
            # A lone word of two or three capitals is more often a certification, a country
            # code or a monogram ("ISO", "KSA") than the company, on this weakest evidence.
            and not re.fullmatch(r"[A-Z]{2,3}", re.sub(r"\W", "", p.segs[k].text))]
    if rest:
        k = max(rest, key=lambda k: (p.rel_h(k), -k))
        p.take("company", [k], repair.company(p.segs[k].text), p.line_conf(k) * 0.5)


STEPS = (find_emails, find_website, find_regions, find_phones, drop_noise, find_address,
         find_name, find_company, find_title, fallback_company)


def extract(lines, *, region: str | None = None) -> Page:
    segs: list[Seg] = []
    lines = [x if isinstance(x, OcrLine) else OcrLine(text=str(x)) for x in lines]
    locals_ = [e.split("@")[0] for x in lines for e, _, _ in emails.find_emails(repair.clean(x.text))]
    for i, line in enumerate(lines):
        text = repair.clean(line.text)
        gaps = list(line.gaps) if len(text.split()) == len(line.text.split()) else []
        seg = Seg(text, line.box, line.height, line.conf, list(line.words), gaps, source=i)
        segs += [s for s in layout.split_line(seg, locals_) if s.text]
    page = Page(segs, region)
    for step in STEPS:
        step(page)
    for key in FIELD_KEYS:
        page.conf.setdefault(key, 0.0)
    return page
