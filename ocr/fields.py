"""Card fields from OCR lines: pure functions, position-aware when lines carry boxes.

``extract_fields(lines, region=None)`` returns ``(fields, confidence)``. Lines are ``OcrLine``
(text, box, height, conf) or plain strings (then the order stands in for position and every line
counts as the same size).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from nameparser import HumanName
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein


@dataclass
class OcrLine:
    """One line of text as Tesseract read it; ``box`` is [left, top, width, height]."""

    text: str
    box: list[int] | None = None
    height: float | None = None
    conf: float = 100.0  # mean word confidence, 0..100
    words: list[int] = field(default_factory=list)  # indices into CardReading.words


FIELD_KEYS = (
    "full_name",
    "given_name",
    "family_name",
    "title",
    "company",
    "emails",
    "phones",
    "website",
    "address",
)

# --- lexicons ------------------------------------------------------------------------------
# Words that make a line a role even alone; the rest only count next to a strong one.
STRONG_ROLE = {
    "president",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "cmo",
    "cio",
    "ciso",
    "vp",
    "svp",
    "evp",
    "chief",
    "officer",
    "director",
    "manager",
    "engineer",
    "developer",
    "designer",
    "architect",
    "scientist",
    "analyst",
    "consultant",
    "recruiter",
    "partner",
    "founder",
    "cofounder",
    "co-founder",
    "owner",
    "head",
    "lead",
    "specialist",
    "coordinator",
    "administrator",
    "executive",
    "representative",
    "advisor",
    "adviser",
    "attorney",
    "counsel",
    "accountant",
    "dentist",
    "orthodontist",
    "physician",
    "surgeon",
    "professor",
    "researcher",
    "intern",
    "chairman",
    "secretary",
    "technician",
    "programmer",
    "strategist",
    "supervisor",
    "therapist",
    "geschäftsführer",
    "geschaftsfuhrer",
    "leiter",
    "leiterin",
    "ingenieur",
    "directeur",
    "directrice",
    "responsable",
    "gerente",
    "ingeniero",
    "diretor",
    "direttore",
    "responsabile",
    "dyrektor",
    "kierownik",
    "prezes",
    "chef",
    "principal",
}

# Words that make a line a role only next to a strong one.
WEAK_ROLE = {
    "account", "acquisition", "agent", "assistant", "associate", "berater", "broker", "business",
    "chair", "charge", "chargé", "customer", "data", "directora", "diretora", "direttrice",
    "doctor", "editor", "engenheira", "engenheiro", "family", "financial", "gerant", "gérant",
    "hardware", "hr", "ingeniera", "ingenieurin", "ingénieur", "jefa", "jefe", "junior", "lawyer",
    "lecturer", "marketing", "medical", "nurse", "office", "operations", "pharmacist",
    "photographer", "producer", "product", "realtor", "research", "robotics", "safety", "sales",
    "senior", "software", "solutions", "staff", "success", "superintendent", "säljare", "talent",
    "team", "trainee", "treasurer", "ui", "ux", "vd", "vertrieb", "vice", "writer",
}
ROLE_WORDS = STRONG_ROLE | WEAK_ROLE

LEGAL_SUFFIX = re.compile(
    r"(?:\b(?:inc|incorporated|llc|llp|ltd|limited|plc|corp|corporation|co|gmbh|ag|kg|ohg|ug|"
    r"sarl|sas|sa|s\.a|srl|s\.r\.l|spa|s\.p\.a|bv|nv|ab|oy|as|aps|kk|k\.k|ltda|eireli|"
    r"pvt|pty|sp\. z o\.o|s\.l|s\.c|group|grupo|gruppe|groupe|holdings|partners|associates|"
    r"studio|labs|systems|technologies|tecnologia|solutions|soluciones|consulting|consultores|"
    r"conseil|dental|clinic|bank|university|institute|agency|industries)\b\.?)",
    re.I,
)
STRICT_LEGAL = re.compile(
    r"\b(?:inc|llc|llp|ltd|plc|corp|gmbh|ag|sarl|sas|s\.a|s\.r\.l|s\.p\.a|ab|k\.k|ltda|pvt|"
    r"sp\. z o\.o|s\.l|s\.c|s\.a\. de c\.v)\b\.?",
    re.I,
)
FUNCTION_WORDS = {
    "the",
    "of",
    "for",
    "your",
    "since",
    "with",
    "that",
    "today",
    "in",
    "and",
    "to",
    "our",
    "we",
    "is",
    "are",
    "a",
    "an",
    "by",
    "on",
    "at",
    "it",
    "all",
    "every",
    "more",
    "better",
    "smart",
    "quality",
    "design",
    "everyone",
    "tomorrow",
    "works",
    "help",
    "helps",
    "purpose",
    "growth",
}
NAME_PARTICLES = {
    "de",
    "da",
    "das",
    "do",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "ten",
    "y",
    "e",
    "bin",
    "al",
    "el",
    "zu",
}
HONORIFICS = {
    "dr",
    "dr.",
    "prof",
    "prof.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "mx",
    "mx.",
    "sir",
    "dame",
    "ing.",
    "dipl.-ing.",
    "mag.",
    "lic.",
    "eng.",
}
DEGREES = re.compile(
    r"^(?:d\.?m\.?d\.?|d\.?d\.?s\.?|m\.?d\.?|ph\.?\s?d\.?|mba|m\.?b\.?a\.?|p\.?e\.?|cpa|esq\.?|"
    r"jr\.?|sr\.?|ii|iii|iv|rn|msc|m\.?sc\.?|bsc|b\.?sc\.?|ma|ba|llm|ll\.?m\.?|cfa|pmp|dvm|"
    r"d\.?o\.?|j\.?d\.?|faia|aia|frcs|mrcs)$",
    re.I,
)
STREET_WORDS = re.compile(
    r"\b(?:street|st\.|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|ln\.|drive|way|"
    r"suite|ste\.?|floor|fl\.|unit|building|bldg|plaza|square|sq\.|court|ct\.|place|pl\.|highway|"
    r"hwy|parkway|pkwy|p\.?o\.? box|straße|strasse|str\.|allee|platz|weg|gasse|ring|damm|"
    r"rue|boulevard|chemin|place|quai|calle|paseo|avenida|av\.|rua|travessa|via|corso|viale|"
    r"piazza|ul\.|al\.|aleja|plac|gatan|vägen|vagen|gränd|torget|marg|nagar|sector|plot|"
    r"[a-z]+-ku|[a-z]+-shi|chome|cdmx|col\.|colonia|sala|andar|piso|mg road|am markt)(?=\W|$)",
    re.I,
)
# German and Scandinavian street names are compounds: "Hauptstraße", "Sveavägen".
COMPOUND_STREET = re.compile(
    r"[^\W\d_]{2,}(?:stra\S{1,3}e|str\.|weg|allee|platz|gasse|damm|ring|gatan|vägen|vagen|gränd|torget)\b",
    re.I,
)
POSTCODE = re.compile(
    r"(?:\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"  # US state + ZIP
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"  # UK
    r"|\b\d{5}-\d{3}\b"  # BR
    r"|\b\d{3}-\d{4}\b"  # JP
    r"|\b\d{2}-\d{3}\b"  # PL
    r"|\b\d{3}\s\d{2}\b"  # SE
    r"|\b\d{4,6}\b)"  # most others
)
COUNTRIES = {
    "united states": "US",
    "usa": "US",
    "u.s.a.": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "germany": "DE",
    "deutschland": "DE",
    "france": "FR",
    "spain": "ES",
    "españa": "ES",
    "espana": "ES",
    "mexico": "MX",
    "méxico": "MX",
    "brazil": "BR",
    "brasil": "BR",
    "japan": "JP",
    "nippon": "JP",
    "poland": "PL",
    "polska": "PL",
    "italy": "IT",
    "italia": "IT",
    "india": "IN",
    "sweden": "SE",
    "sverige": "SE",
    "netherlands": "NL",
    "nederland": "NL",
    "belgium": "BE",
    "belgique": "BE",
    "austria": "AT",
    "österreich": "AT",
    "osterreich": "AT",
    "switzerland": "CH",
    "schweiz": "CH",
    "suisse": "CH",
    "ireland": "IE",
    "portugal": "PT",
    "canada": "CA",
    "australia": "AU",
    "norway": "NO",
    "norge": "NO",
    "denmark": "DK",
    "danmark": "DK",
    "finland": "FI",
    "suomi": "FI",
    "argentina": "AR",
    "chile": "CL",
    "colombia": "CO",
    "china": "CN",
    "singapore": "SG",
}
TLD_REGION = {
    "uk": "GB",
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "mx": "MX",
    "br": "BR",
    "jp": "JP",
    "pl": "PL",
    "it": "IT",
    "in": "IN",
    "se": "SE",
    "nl": "NL",
    "be": "BE",
    "at": "AT",
    "ch": "CH",
    "ie": "IE",
    "pt": "PT",
    "ca": "CA",
    "au": "AU",
    "no": "NO",
    "dk": "DK",
    "fi": "FI",
    "ar": "AR",
    "cl": "CL",
    "co": "CO",
    "cn": "CN",
    "sg": "SG",
    "us": "US",
    "nz": "NZ",
    "za": "ZA",
}
FAX_LABEL = re.compile(r"(?:\bfax\b|[¢(]ax\b|\btelefax\b|\bfx\b|(?:^|[\s|/])[f¢]\s*[:.]?\s*$)", re.I)
EMAIL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
WEB_RE = re.compile(
    r"(?:(?:https?://)?(?:www\.)[a-z0-9-]+(?:\.[a-z0-9-]+)+|https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|ai|dev|app|biz|info|"
    r"de|fr|es|mx|br|jp|pl|it|in|se|uk|nl|be|at|ch|ie|pt|ca|au|no|dk|fi|eu|us)\b)(?:/[\w./-]*)?",
    re.I,
)
HOURS = re.compile(r"\b(?:hours|open|mon|tue|wed|thu|fri|sat|sun)\w*\b.*\d", re.I)


# --- small helpers -------------------------------------------------------------------------
def fold(s: str) -> str:
    """Lowercase ASCII letters and digits only (for comparing OCR text with e-mails and domains)."""
    table = {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe"}
    s = "".join(table.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and c.isalnum()).lower()


def _words(s: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’.-]*", s)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(s: str) -> str:
    s = _CONTROL.sub(" ", s)  # control characters never belong on a card (or a terminal)
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = s.replace("—", "-").replace("–", "-")
    return re.sub(r"\s+", " ", s).strip()


def nice_case(name: str) -> str:
    """Title-case a name printed ALL CAPS or lowercase; keep accents, particles and Mc/O'."""
    out = []
    for i, tok in enumerate(name.split()):
        low = tok.lower()
        if i > 0 and low in NAME_PARTICLES:
            out.append(low)
            continue
        parts = re.split(r"([-'])", low)
        cased = "".join(p[:1].upper() + p[1:] if p not in "-'" else p for p in parts)
        if re.match(r"^Mc[a-z]", cased):
            cased = "Mc" + cased[2].upper() + cased[3:]
        out.append(cased)
    return " ".join(out)


def _needs_case(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and (
        all(c.isupper() for c in letters) or all(c.islower() for c in letters)
    )


# --- e-mail --------------------------------------------------------------------------------
_TLDS = "com|org|net|edu|gov|io|co|de|fr|es|it|pl|se|in|uk|br|mx|jp|nl|be|at|ch|ie|pt|ca|au"


_KNOWN_TLDS = frozenset(_TLDS.split("|")) | frozenset(TLD_REGION)


def _repair_email_text(s: str) -> str:
    s = re.sub(r"\s*@\s*", "@", s)
    # "mariana. flores@…": a space read after a dot of the local part.
    s = re.sub(r"(?<![^\s])([a-z0-9_+-]+)\. (?=[a-z0-9._+-]*@)", r"\1.", s)
    s = _pipe_to_l(s)
    s = re.sub(r"\s*\(at\)\s*", "@", s, flags=re.I)
    s = s.replace("©", "@").replace("®", "@")

    def fix_domain(m: re.Match) -> str:
        return m.group(0).replace(",", ".").replace(" .", ".").replace(". ", ".")

    s = re.sub(r"@[A-Za-z0-9.,\- ]+?(?=$|\s{2}|\s\||\s[A-Z]|\s[a-z]+:)", fix_domain, s)
    # "name@atelier-boreal fr": the dot before the TLD was lost.
    s = re.sub(r"(@[A-Za-z0-9.-]+[A-Za-z0-9])\s+(" + _TLDS + r")\b", r"\1.\2", s)
    return s


def find_emails(text: str) -> list[tuple[str, int, int]]:
    out = []
    fixed = _repair_email_text(text)
    for m in EMAIL_RE.finditer(fixed):
        cand = m.group(0).rstrip(".-")
        try:
            v = validate_email(cand, check_deliverability=False)
        except EmailNotValidError:
            continue
        out.append((v.normalized.lower(), m.start(), m.end()))
    return out


# --- phones --------------------------------------------------------------------------------
def _repair_digits(s: str) -> str:
    """O→0 and l/I→1 inside number-like runs only."""

    def fix(m: re.Match) -> str:
        t = m.group(0)
        if sum(c.isdigit() for c in t) < 5:
            return t
        return t.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1"}))

    return re.sub(r"[+(]?[\dOolIL][\dOolIL\s().\-/]{6,}[\dOolIL]", fix, s)


def find_phones(text: str, regions: list[str | None]) -> list[tuple[str, bool, int, int]]:
    """(E.164, is_fax, start, end) for the numbers in one line."""
    text = _repair_digits(text)
    found: list[tuple[str, bool, int, int]] = []
    spans: list[tuple[int, int]] = []
    for reg in regions:
        try:
            matches = list(
                phonenumbers.PhoneNumberMatcher(text, reg, leniency=phonenumbers.Leniency.VALID)
            )
        except Exception:  # pragma: no cover - defensive: phonenumbers on odd input
            continue
        for m in matches:
            if any(not (m.end <= a or m.start >= b) for a, b in spans):
                continue
            spans.append((m.start, m.end))
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((e164, False, m.start, m.end))
    found.sort(key=lambda f: f[2])
    out = []
    prev_end = 0
    for e164, _, a, b in found:
        label = text[prev_end:a]
        label = re.split(r"[|]", label)[-1]
        out.append((e164, bool(FAX_LABEL.search(label)), a, b))
        prev_end = b
    return out


def _fit_card_region(e164: str, matched: str, card_regions: list[str]) -> str:
    """A number from a country the card does not name, one OCR slip from one it does.

    "+43 512 547 215" on a Polish card is "+48 …" with the 8 read as 3; "15126871650" on a
    German card is the mobile "0151 26871650" with its 0 lost (read as a US number). Only a
    reading that is a valid number of the card's country replaces the first one.
    """
    try:
        num = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if not card_regions or phonenumbers.region_code_for_number(num) in card_regions:
        return e164
    cc, nat = str(num.country_code), str(num.national_number)
    for region in dict.fromkeys(card_regions):
        rcc = str(phonenumbers.country_code_for_region(region))
        if "+" in matched:
            slip = len(rcc) == len(cc) and sum(x != y for x, y in zip(rcc, cc, strict=True)) == 1
            cands = ["+" + rcc + nat] if slip else []
        else:
            cands = ["0" + re.sub(r"\D", "", matched)]
        for cand in cands:
            try:
                n = phonenumbers.parse(cand, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(n) and phonenumbers.region_code_for_number(n) == region:
                return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
    return e164


# --- websites ------------------------------------------------------------------------------
def _pipe_to_l(s: str) -> str:
    """ "…logistics.p|", "…logistics.p!|", "…co.|p": a bar, "]" or "!" in a top-level domain is an
    l, a j or an i read wrong, or a speck; it becomes whichever gives a known domain."""

    def fix(m: re.Match) -> str:
        tld = m.group(1)
        if tld.strip("|!]") in _KNOWN_TLDS:
            return "." + tld.strip("|!]")
        for c in "lji":
            cand = re.sub(r"[|!\]]{1,2}", c, tld, count=1)
            cand = cand.replace("|", "").replace("!", "").replace("]", "")
            if cand in _KNOWN_TLDS:
                return "." + cand
        return m.group(0)

    return re.sub(r"\.((?=[a-z|!\]]*[|!\]])[a-z|!\]]{2,4})(?=$|\s|/)", fix, s)


def find_website(text: str) -> str | None:
    if "@" in text:
        return None
    text = _pipe_to_l(text)
    t = text.replace(" .", ".").replace(". ", ".") if re.search(r"www\s?\.", text, re.I) else text
    t = re.sub(r"\bwww\s*[-:.,;]+\s*", "www.", t, flags=re.I)
    t = re.sub(r"\.\s+([a-z]{2,3})\b", r".\1", t) if re.search(r"www\.", t, re.I) else t
    # "www.vela-digitale it": the dot before a known top-level domain read as a space.
    t = re.sub(r"(?i)(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*) (" + _TLDS + r")\b", r"\1.\2", t)
    # "Wwww.", "avww." and friends: a logo edge or a blurred w in front of the real www.
    t = re.sub(
        r"(?i)(?:^|(?<=[\s(/]))[a-z(]{0,2}(?:www|vww|wvw|wwv|vvw|ww)\.(?=[a-z0-9-]+\.)", "www.", t
    )
    m = WEB_RE.search(t)
    if not m:
        return None
    site = m.group(0).lower().rstrip("./")
    site = re.sub(r"^https?://", "", site)
    # "Dr." or "St." are not domains: a website needs a letter-only TLD of 2+ characters.
    if not re.search(r"\.[a-z]{2,}(?:/|$)", site):
        return None
    return site


def _domain_core(domain: str) -> str:
    parts = domain.lower().removeprefix("www.").split("/")[0].split(".")
    while len(parts) > 1 and (
        parts[-1] in TLD_REGION
        or parts[-1] in {"com", "org", "net", "io", "co", "ai", "dev", "app", "biz", "info", "eu"}
    ):
        parts.pop()
    return fold(".".join(parts))


def region_from_domain(domain: str) -> str | None:
    tld = domain.lower().split("/")[0].rsplit(".", 1)[-1]
    return TLD_REGION.get(tld)


# --- names ---------------------------------------------------------------------------------
@dataclass
class NameParts:
    full: str
    given: str
    family: str
    honorific: str | None
    suffix: str | None


def split_name(text: str) -> NameParts | None:
    """Parse a name line; None when it does not look like a person's name.

    A line that fails but has a comma is tried once more without its last part: a degree
    garbled by an icon beside it ("CÉLINE FONTAINE, D.M.DJ™") must not cost the name."""
    got = _split_name(text)
    if got is None and "," in text:
        head = text.rsplit(",", 1)[0]
        got = _split_name(head) if head.strip() else None
    return got


def _split_name(text: str) -> NameParts | None:
    t = _clean(text).strip(" ,|")
    if not t or "@" in t or sum(c.isdigit() for c in t) > 2:
        return None
    suffix = None
    # Tokens of the degree tail are separated by a space or comma: with both optional the
    # pattern could split a long word in exponentially many ways (an 18 s hang on a title).
    m = re.match(r"^(.*?)[,\s]+((?:[A-Za-z.]{2,8}(?:\s*,\s*|\s+))*[A-Za-z.]{2,8})[\s,]*$", t) if "," in t else None
    if m:
        tail = [x for x in re.split(r"[,\s]+", m.group(2)) if x]
        if tail and all(DEGREES.match(x) for x in tail):
            suffix = ", ".join(tail)
            t = m.group(1).strip(" ,")
    if suffix is None:
        toks = t.split()
        tail = []
        while len(toks) > 2 and DEGREES.match(toks[-1].strip(",")) and not toks[-1].islower():
            tail.insert(0, toks.pop().strip(","))
        if tail:
            suffix = ", ".join(tail)
            t = " ".join(toks).strip(" ,")
    honorific = None
    toks = t.split()
    while toks and toks[0].lower() in HONORIFICS:
        h = toks.pop(0)
        honorific = (honorific + " " if honorific else "") + (
            h if h.endswith(".") or len(h) > 3 else h + "."
        )
    mixed = any(x[:1].isupper() for x in toks)
    toks = [_repair_letters(x, mixed) for x in toks]
    toks = _glue_fragments(toks)
    if not 2 <= len(toks) <= 5:
        return None
    for tok in toks:
        if not re.fullmatch(r"[^\W\d_](?:[^\W\d_]|['’.-])*\.?", tok):
            return None
    t = " ".join(toks)
    low = [x.lower().strip(".,") for x in toks]
    if any(x in FUNCTION_WORDS and x not in NAME_PARTICLES for x in low):
        return None
    if any(x in ROLE_WORDS for x in low) or LEGAL_SUFFIX.search(t):
        return None
    cased = nice_case(t) if _needs_case(t) else t
    if honorific and _needs_case(honorific):
        honorific = honorific.capitalize()
    hn = HumanName(cased)
    given = hn.first or toks[0]
    family = hn.last or toks[-1]
    if hn.middle and hn.middle.lower() in ("ó", "o", "o'", "ní", "ni", "nic", "mac", "mc", "ui"):
        family = f"{hn.middle} {family}"
    return NameParts(cased, given, family, honorific, suffix)


_LETTER_FOR_DIGIT = str.maketrans({"0": "o", "1": "l", "5": "s", "6": "o", "8": "B", "3": "e"})


def _repair_letters(tok: str, mixed_case: bool = True) -> str:
    """OCR slips inside a name word: digits for letters ("Schr6der"), "lyer" for "Iyer",
    "WOjcik" for "Wójcik" (an accented capital-height vowel read as a capital)."""
    if any(c.isdigit() for c in tok) and sum(c.isalpha() for c in tok) >= 2 and len(tok) >= 3:
        tok = tok.translate(_LETTER_FOR_DIGIT)
    if mixed_case and re.fullmatch(r"l[b-df-hj-np-tv-z][a-z]+", tok):
        tok = "I" + tok[1:]
    if re.fullmatch(r"[A-Z](?:[a-z]|I)*[a-z](?:[a-z]|I)*", tok) and not tok.startswith(
        ("Mc", "Mac")
    ):
        tok = tok[0] + tok[1:].replace("I", "i")  # "RIccI" -> "Ricci"
    if re.fullmatch(r"[A-Z][AEIOU][a-z]{2,}", tok):
        tok = tok[0] + tok[1].lower() + tok[2:]
    return tok


def _glue_fragments(toks: list[str]) -> list[str]:
    """ "S anj ay Reddy" -> "Sanjay Reddy": widely spaced big letters split into fragments."""
    if len(toks) < 2 or all(t.islower() for t in toks):
        return toks
    out: list[str] = []
    vowels = set("aeiouyäöüåáéíóúàèìòùâêîôûãõæøœ")
    for t in toks:
        if (
            out
            and t[:1].islower()
            and t.lower() not in NAME_PARTICLES
            and len(out[-1]) <= 4
            and out[-1][:1].isupper()
            and "." not in out[-1]
        ):
            out[-1] += t
        elif (
            out
            and len(out[-1]) >= 3
            and not (set(out[-1].lower()) & vowels)
            and "." not in out[-1]
            and t[:1].isalpha()
        ):
            # "Schr Öder": no name part is vowel-less, so this is one word split by a wide accent
            out[-1] += t.lower() if out[-1][1:2].islower() else t
        else:
            out.append(t)
    return out


_IL = str.maketrans({"i": "l", "1": "l", "I": "l"})


def _email_from_name(email: str, name: NameParts) -> str:
    """Fix an i/l/1 slip in an e-mail's local part when the name spells it ("ischroder")."""
    local, _, domain = email.partition("@")
    g, f = fold(name.given), fold(name.family)
    if not g or not f:
        return email
    for c in (
        f"{g}.{f}",
        f"{g}{f}",
        f"{g[0]}{f}",
        f"{g[0]}.{f}",
        g,
        f,
        f"{g}_{f}",
        f"{g}-{f}",
        f"{f}.{g}",
        f"{f}{g[0]}",
    ):
        if c != local and len(c) == len(local) and c.translate(_IL) == local.translate(_IL):
            return f"{c}@{domain}"
    return email


def _name_from_email(name: NameParts, locals_: list[str]) -> NameParts:
    """Mend a shaky reading of a name from an e-mail that spells it out ("Cam a Ol iveira" →
    "Cama Oliveira", camila.oliveira@… → "Camila Oliveira").

    Only a given.family (or given_family, given-family) local part counts, one part must fold
    equal to the name's word and the other be one or two letters from it; a word with accents
    is never replaced (e-mails have none)."""
    g, f = fold(name.given), fold(name.family)
    for loc in locals_:
        parts = [fold(p) for p in re.split(r"[._-]", loc)]
        if len(parts) != 2 or (g, f) == tuple(parts):
            continue
        new = []
        for word, part in ((name.given, parts[0]), (name.family, parts[1])):
            fw = fold(word)
            if fw == part:
                new.append(word)
            elif word.isascii() and len(part) >= 4 and 0 < Levenshtein.distance(fw, part) <= 2:
                new.append(part.upper() if word.isupper() else part.capitalize())
            else:
                break
        if len(new) == 2 and (new[0] == name.given) != (
            new[1] == name.family
        ):
            full = name.full.replace(name.given, new[0], 1).replace(name.family, new[1], 1)
            return NameParts(full, new[0], new[1], name.honorific, name.suffix)
    return name


def _email_supports(name: NameParts, locals_: list[str]) -> float:
    """How well the name matches an e-mail local part: 1 = clearly the same person."""
    g, f = fold(name.given), fold(name.family)
    best = 0.0
    for loc in locals_:
        lp = fold(loc)
        if not lp or lp in {
            "info",
            "office",
            "contact",
            "hello",
            "sales",
            "support",
            "mail",
            "admin",
        }:
            continue
        if f and len(f) >= 3 and f in lp:
            best = max(best, 1.0 if (g and (g in lp or lp.startswith(g[0]))) else 0.8)
        elif g and len(g) >= 3 and lp == g:
            best = max(best, 0.8)
        else:
            r = fuzz.partial_ratio(lp, g + f) / 100
            if r >= 0.8 and len(lp) >= 4:
                best = max(best, 0.6 * r)
    return best


# --- line classification -------------------------------------------------------------------
_STRONG_FOLDED = frozenset(fold(x) for x in STRONG_ROLE)
_ROLE_FOLDED = frozenset(fold(x) for x in ROLE_WORDS)


def _role_score(text: str) -> int:
    toks = [fold(w) for w in re.split(r"[\s,/&]+", text) if w]
    toks = [t for t in toks if t]
    strong = sum(1 for t in toks if t in _STRONG_FOLDED)
    weak = sum(1 for t in toks if t in _ROLE_FOLDED)
    if strong:
        return 2
    return 1 if weak else 0


def _is_address(text: str) -> bool:
    low = text.lower()
    if any(re.search(rf"(?:^|[\s,]){re.escape(c)}$", low.strip(" .")) for c in COUNTRIES):
        return True
    if (STREET_WORDS.search(text) or COMPOUND_STREET.search(text)) and re.search(r"\d", text):
        return True
    if (
        POSTCODE.search(text)
        and re.search(r"[^\W\d_]{3,}", text)
        and not (
            {w.lower() for w in _words(text)}
            & (FUNCTION_WORDS | {"since", "est", "established", "founded"})
        )
    ):
        return True
    return False


def _country_in(text: str) -> str | None:
    low = " " + text.lower().strip(" .") + " "
    for name, cc in COUNTRIES.items():
        if re.search(rf"[\s,]{re.escape(name)}[\s,.]", low):
            return cc
    if re.search(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b", text):
        return "US"
    return None


def _as_line(x) -> OcrLine:
    if isinstance(x, OcrLine):
        return x
    return OcrLine(text=str(x))


@dataclass
class _Seg(OcrLine):
    source: int = -1  # index of the input line this text came from


def _split_segments(lines: list[_Seg]) -> list[_Seg]:
    """Split lines at " | " separators (one contact per segment, same geometry)."""
    out = []
    for ln in lines:
        parts = [p for p in re.split(r"\s+[|¦]\s+|\s+[•·]\s+", ln.text) if p.strip()]
        if len(parts) <= 1:
            out.append(ln)
            continue
        for p in parts:
            out.append(_Seg(p, ln.box, ln.height, ln.conf, ln.words, ln.source))
    return out


def _clean_company(t: str) -> str:
    t = re.sub(r"^[^\w&]+\s*", "", t).strip(" ,|")
    t = re.sub(r"\bS[.,]r[.,][lI1]\.", "S.r.l.", t)  # "S.r.I.", "S.r,l."
    t = re.sub(r"(?i)\bsp\. ?z ?[o0]\.? ?[o0]\.?", "Sp. z o.o.", t)
    return t


def _top(seg: OcrLine, k: int) -> float:
    return seg.box[1] if seg.box else k


def _neighbours(segs: list[OcrLine], k: int, rest: list[int]) -> list[int]:
    """Lines directly above and below line k in the same column (by box, else by order)."""
    me = segs[k]
    if not me.box:
        return [j for j in (k - 1, k + 1) if 0 <= j < len(segs)]
    h = me.height or me.box[3]
    out = []
    for j in rest:
        o = segs[j]
        if j == k or not o.box:
            continue
        oh = o.height or o.box[3]
        if abs(oh - h) > 0.6 * max(h, oh):
            continue
        vgap = max(o.box[1] - (me.box[1] + me.box[3]), me.box[1] - (o.box[1] + o.box[3]))
        if vgap > 1.0 * max(h, oh):
            continue
        left_al = abs(o.box[0] - me.box[0]) <= 1.5 * h
        centre_al = abs((o.box[0] + o.box[2] / 2) - (me.box[0] + me.box[2] / 2)) <= 1.5 * h
        if left_al or centre_al:
            out.append(j)
    return out


def extract_fields(lines, *, region: str | None = None):
    """Fields and per-field confidence (0..1) from OCR lines (see the module docstring)."""
    fields, conf, _ = extract_with_sources(lines, region=region)
    return fields, conf


def extract_with_sources(lines, *, region: str | None = None):
    """Like extract_fields, plus which input lines each field came from (for name boxes)."""
    # Copies, so the caller's lines are never modified; each remembers its input line.
    src = [
        _Seg(_clean(x.text), x.box, x.height, x.conf, x.words, i)
        for i, x in enumerate(map(_as_line, lines))
    ]
    segs = [s for s in _split_segments(src) if s.text]
    heights = [s.height for s in segs if s.height]
    max_h = max(heights) if heights else None
    med_h = sorted(heights)[len(heights) // 2] if heights else None

    fields: dict = {k: None for k in FIELD_KEYS}
    fields.update(emails=[], phones=[], faxes=[])
    conf: dict[str, float] = {}
    sources: dict[str, list[int]] = {}
    used: set[int] = set()

    def oconf(seg: OcrLine) -> float:
        return max(0.0, min(1.0, seg.conf / 100.0))

    # 1. e-mails
    email_conf = []
    for k, s in enumerate(segs):
        for e, _, _ in find_emails(s.text):
            if e not in fields["emails"]:
                fields["emails"].append(e)
                email_conf.append(oconf(s))
            used.add(k)
    if email_conf:
        conf["emails"] = round(min(email_conf), 2)

    # 2. website
    for k, s in enumerate(segs):
        if k in used:
            continue
        w = find_website(s.text)
        if w:
            fields["website"] = w
            conf["website"] = round(oconf(s), 2)
            used.add(k)
            break

    # An e-mail domain cut short by OCR ("...logistics.p") is completed from the website.
    if fields["website"]:
        host = fields["website"].split("/")[0].removeprefix("www.")
        fixed = []
        for e in fields["emails"]:
            local, _, dom = e.partition("@")
            if dom != host and host.startswith(dom) and len(host) - len(dom) <= 2:
                e = f"{local}@{host}"
            fixed.append(e)
        fields["emails"] = fixed
        # "www.optiquemercierfr": a dot lost in the website that the e-mail's domain still has.
        for e in fields["emails"]:
            dom = e.partition("@")[2]
            if host != dom and host.replace(".", "") == dom.replace(".", ""):
                fields["website"] = fields["website"].replace(host, dom, 1)
                break
    else:
        # "www.optiquemercierfr": a website whose dots were lost, spelled by an e-mail domain.
        doms = {e.partition("@")[2].replace(".", ""): e.partition("@")[2] for e in fields["emails"]}
        for k, s in enumerate(segs):
            t = s.text.strip().lower().replace(" ", "")
            m = re.fullmatch(r"(?:https?:/+)?(www\.)?([a-z0-9.-]{4,})", t)
            if k not in used and m and m.group(2).replace(".", "") in doms:
                fields["website"] = (m.group(1) or "") + doms[m.group(2).replace(".", "")]
                conf["website"] = round(oconf(s) * 0.9, 2)
                used.add(k)
                break

    # 3. region candidates for national phone numbers
    card_regions: list[str] = []
    for s in segs:
        cc = _country_in(s.text)
        if cc:
            card_regions.append(cc)
    for d in ([fields["website"]] if fields["website"] else []) + [
        e.split("@")[1] for e in fields["emails"]
    ]:
        r = region_from_domain(d)
        if r:
            card_regions.append(r)
    regions: list[str | None] = []
    for r in [region.upper() if region else None, *card_regions, "US"]:
        if r and r not in regions:
            regions.append(r)
    fields["region"] = regions[0] if regions else None

    # 4. phones and faxes
    phone_conf = []
    for k, s in enumerate(segs):
        if k in used:
            continue
        digits = sum(c.isdigit() for c in s.text)
        if digits < 6:
            continue
        nums = find_phones(s.text, regions)
        if not nums:
            continue
        # An address line holding a number is still an address unless a label says phone.
        covered = sum(sum(c.isdigit() for c in s.text[a:b]) for _, _, a, b in nums)
        if (
            _is_address(s.text)
            and covered < 0.6 * digits
            and not re.search(
                r"(?i)\b(tel|phone|fax|mob|mobile|cell|office|direct|main|t|m|f|p)\b", s.text
            )
        ):
            continue
        for e164, is_fax, a, b in nums:
            e164 = _fit_card_region(e164, s.text[a:b], card_regions)
            key = "faxes" if is_fax else "phones"
            if e164 not in fields[key]:
                fields[key].append(e164)
                phone_conf.append(oconf(s))
        used.add(k)
    if phone_conf:
        conf["phones"] = round(min(phone_conf), 2)

    # 5. office hours and other labelled noise
    for k, s in enumerate(segs):
        if k not in used and HOURS.search(s.text) and not _is_address(s.text):
            used.add(k)

    # 6. address lines
    addr_idx = [
        k
        for k, s in enumerate(segs)
        if k not in used and _is_address(s.text) and _role_score(s.text) < 2
    ]
    # A city line right after a street line belongs to the address too.
    if addr_idx:
        grow = set(addr_idx)
        for k in addr_idx:
            j = k + 1
            if j < len(segs) and j not in used and j not in grow and POSTCODE.search(segs[j].text):
                grow.add(j)
        addr_idx = sorted(grow)
        parts = [segs[k].text.strip(" ,") for k in addr_idx]
        fields["address"] = ", ".join(parts)
        conf["address"] = round(sum(oconf(segs[k]) for k in addr_idx) / len(addr_idx) * 0.9, 2)
        used.update(addr_idx)

    rest = [k for k in range(len(segs)) if k not in used]
    locals_ = [e.split("@")[0] for e in fields["emails"]]
    domains = [_domain_core(e.split("@")[1]) for e in fields["emails"]]
    if fields["website"]:
        domains.append(_domain_core(fields["website"]))
    domains = [
        d
        for d in domains
        if d and d not in {"gmail", "yahoo", "hotmail", "outlook", "icloud", "web", "gmx", "aol"}
    ]

    def rel_h(s: OcrLine) -> float:
        if s.height and max_h:
            return s.height / max_h
        return 0.5

    # 7. name: biggest name-looking line, confirmed by the e-mail when possible
    best = None
    for k in rest:
        s = segs[k]
        np_ = split_name(s.text)
        if not np_:
            continue
        if _role_score(s.text):
            continue
        sup = _email_supports(np_, locals_)
        comp_like = any(d and fuzz.ratio(fold(np_.full), d) >= 85 for d in domains)
        score = rel_h(s) + sup * 1.2 - (1.0 if comp_like else 0) - 0.02 * k / max(1, len(segs))
        if s.height and med_h and s.height < 0.8 * med_h:
            score -= 0.3
        if best is None or score > best[0]:
            best = (score, k, np_, sup)
    if best:
        _, k, np_, sup = best
        if segs[k].conf < 90:
            np_ = _name_from_email(np_, locals_)
        fields["full_name"] = np_.full
        fields["given_name"] = np_.given
        fields["family_name"] = np_.family
        if np_.honorific:
            fields["honorific"] = np_.honorific
        if np_.suffix:
            fields["suffix"] = np_.suffix
        c = oconf(segs[k]) * (0.7 + 0.3 * sup) if locals_ else oconf(segs[k]) * 0.8
        conf["full_name"] = conf["given_name"] = conf["family_name"] = round(c, 2)
        sources["full_name"] = [segs[k].source]
        used.add(k)
        name_k = k
        fields["emails"] = [_email_from_name(e, np_) for e in fields["emails"]]
    else:
        name_k = None

    rest = [k for k in range(len(segs)) if k not in used]

    # 8. company: legal suffix, or the e-mail/web domain spelled out, or large text
    comp = None
    for k in rest:
        t = segs[k].text
        if not re.search(r"[^\W\d_]{2,}", t):
            continue
        score = 0.0
        if STRICT_LEGAL.search(t):
            score += 2.0
        elif LEGAL_SUFFIX.search(t):
            score += 0.8
        f = fold(t)
        for d in domains:
            if len(d) >= 3 and f:
                r = max(fuzz.partial_ratio(d, f) if len(f) >= len(d) * 0.6 else 0, fuzz.ratio(d, f))
                if r >= 85:
                    score += 1.5 * r / 100
                    break
        if _role_score(t) == 2 and not STRICT_LEGAL.search(t):
            score -= 1.5
        if set(w.lower() for w in _words(t)) & {"the", "your", "since", "for", "with", "today"}:
            score -= 1.0
        score += 0.3 * rel_h(segs[k])
        if score >= 0.8 and (comp is None or score > comp[0]):
            comp = (score, k)
    if comp:
        fields["company"] = _clean_company(segs[comp[1]].text)
        conf["company"] = round(oconf(segs[comp[1]]) * min(1.0, comp[0] / 2), 2)
        sources["company"] = [segs[comp[1]].source]
        used.add(comp[1])

    rest = [k for k in range(len(segs)) if k not in used]

    # 9. title: role words, nearest after the name; join a wrapped second line
    def tagline_like(t: str) -> bool:
        return bool({w.lower() for w in _words(t)} & (FUNCTION_WORDS - {"of", "and", "for"}))

    cands = [
        k
        for k in rest
        if _role_score(segs[k].text)
        and not re.search(r"\d", segs[k].text)
        and len(segs[k].text) <= 60
        and not tagline_like(segs[k].text)
    ]
    if cands:
        if name_k is not None:
            cands.sort(key=lambda k: (_role_score(segs[k].text) < 2, abs(k - name_k), k < name_k))
        else:
            cands.sort(key=lambda k: (_role_score(segs[k].text) < 2, k))
        k = cands[0]
        parts = [k]
        # Wrapped titles: a line of the same size directly above or below joins the title
        # when it has role words too, or when one of the two ends with "," "&" "and" "of".
        for j in _neighbours(segs, k, rest):
            if j in used or j == name_k or j in parts:
                continue
            t = segs[j].text
            if (
                len(t) > 40
                or re.search(r"\d|@", t)
                or LEGAL_SUFFIX.search(t)
                or split_name(t)
                and not _role_score(t)
            ):
                continue
            first = segs[min(j, k, key=lambda x: _top(segs[x], x))].text.rstrip()
            if (
                _role_score(t)
                or first.endswith((",", "&", " and", " of", " for"))
                or j < k
                and _role_score(t) == 0
                and not (set(w.lower() for w in _words(t)) & FUNCTION_WORDS)
            ):
                parts.append(j)
        parts.sort(key=lambda x: _top(segs[x], x))
        title = " ".join(segs[j].text.strip(" |") for j in parts)
        fields["title"] = re.sub(r"^[a-z]{1,2}\s+(?=[A-Z])", "", title)  # a speck read as "ce"
        conf["title"] = round(min(oconf(segs[j]) for j in parts) * 0.9, 2)
        used.update(parts)

    # Company fallback: the biggest remaining line that is neither tagline nor noise.
    if not fields["company"]:
        rest = [
            k
            for k in range(len(segs))
            if k not in used
            and re.search(r"[^\W\d_]{3,}", segs[k].text)
            and not (set(w.lower() for w in _words(segs[k].text)) & FUNCTION_WORDS)
        ]
        if rest:
            k = max(rest, key=lambda k: (rel_h(segs[k]), -k))
            fields["company"] = _clean_company(segs[k].text)
            conf["company"] = round(oconf(segs[k]) * 0.5, 2)
            sources["company"] = [segs[k].source]

    for key in FIELD_KEYS:
        if key in ("emails", "phones"):
            conf.setdefault(key, 0.0 if not fields[key] else conf.get(key, 0.5))
        else:
            conf.setdefault(key, 0.0)
    return fields, conf, sources
