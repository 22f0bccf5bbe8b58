"""Writes held_out_lists.json: the word lists of the held-out cards (generate.py --held-out).

They come from another source than generate.py's own lists (Faker's locale providers, MIT,
https://github.com/joke2k/faker), for countries the development cards do not emphasise, and
everything that also occurs in generate.py's lists or in the real development cards' truth is
dropped, so no name, company word, tagline, title or street of the held-out cards was ever seen
while tuning. Cities of countries for which Faker only makes up names are real cities, listed
here. Run once by hand (Faker is not a dependency of namecards):

    pip install faker==40.63.0 && python sample_cards/held_out_sources.py
"""

from __future__ import annotations

import importlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (the development lists, to stay disjoint from them)

SEED = 4242
# region: faker locale for people, for companies (None: compose), for streets (None: listed),
# web domain ending, country as printed, postcode pattern (# digit, A letter), address lines.
LOCALES = {
    "CZ": dict(
        person="cs_CZ",
        company="cs_CZ",
        street="cs_CZ",
        tld=".cz",
        country="Česká republika",
        zip="### ##",
        lines=["{street} {n}", "{zip} {city}"],
    ),
    "SK": dict(
        person="sk_SK",
        company="sk_SK",
        street="sk_SK",
        tld=".sk",
        country="Slovensko",
        zip="### ##",
        lines=["{street} {n}", "{zip} {city}"],
    ),
    "HU": dict(
        person="hu_HU",
        company="hu_HU",
        street="hu_HU",
        tld=".hu",
        country="Magyarország",
        zip="####",
        lines=["{zip} {city}", "{street} {n}."],
    ),
    "RO": dict(
        person="ro_RO",
        company=None,
        street="ro_RO",
        tld=".ro",
        country="România",
        zip="######",
        lines=["{street} nr. {n}", "{city} {zip}"],
        legal=["S.R.L.", "S.A."],
    ),
    "FI": dict(
        person="fi_FI",
        company="fi_FI",
        street="fi_FI",
        tld=".fi",
        country="Suomi",
        zip="#####",
        lines=["{street} {n}", "{zip} {city}"],
    ),
    "DK": dict(
        person="da_DK",
        company="da_DK",
        street="da_DK",
        tld=".dk",
        country="Danmark",
        zip="####",
        lines=["{street} {n}", "{zip} {city}"],
    ),
    "IE": dict(
        person="en_IE",
        company=None,
        street="en_IE",
        tld=".ie",
        country="Ireland",
        zip="A## A#A#",
        lines=["{n} {street}", "{city} {zip}"],
        legal=["Ltd", "Teoranta", "DAC"],
        cities=[
            "Dublin 2",
            "Cork",
            "Galway",
            "Limerick",
            "Waterford",
            "Kilkenny",
            "Sligo",
            "Athlone",
        ],
    ),
    "AU": dict(
        person="en_NZ",
        company=None,
        street="en_AU",
        tld=".com.au",
        country="Australia",
        zip="####",
        lines=["{n} {street}", "{city} {zip}"],
        legal=["Pty Ltd"],
        cities=[
            "Sydney NSW",
            "Melbourne VIC",
            "Brisbane QLD",
            "Perth WA",
            "Adelaide SA",
            "Hobart TAS",
            "Darwin NT",
            "Canberra ACT",
        ],
    ),
    "NZ": dict(
        person="en_NZ",
        company=None,
        street="en_NZ",
        tld=".co.nz",
        country="New Zealand",
        zip="####",
        lines=["{n} {street}", "{city} {zip}"],
        legal=["Limited"],
        cities=[
            "Auckland",
            "Wellington",
            "Christchurch",
            "Hamilton",
            "Tauranga",
            "Dunedin",
            "Napier",
            "Nelson",
        ],
    ),
    "ZA": dict(
        person="zu_ZA",
        company=None,
        street="zu_ZA",
        tld=".co.za",
        country="South Africa",
        zip="####",
        lines=["{n} {street}", "{city}, {zip}"],
        legal=["(Pty) Ltd"],
    ),
    "KE": dict(
        person="en_KE",
        company=None,
        street=None,
        tld=".co.ke",
        country="Kenya",
        zip="00###",
        lines=["{street}, {n}", "P.O. Box {box}-{zip} {city}"],
        legal=["Limited", "Ltd"],
        streets=[
            "Kenyatta Avenue",
            "Moi Avenue",
            "Ngong Road",
            "Waiyaki Way",
            "Kimathi Street",
            "Muindi Mbingu Street",
            "Lenana Road",
            "Argwings Kodhek Road",
        ],
        cities=["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret"],
    ),
    "NG": dict(
        person="yo_NG",
        company=None,
        street=None,
        tld=".com.ng",
        country="Nigeria",
        zip="######",
        lines=["{n} {street}", "{city} {zip}"],
        legal=["Limited", "Ltd"],
        streets=[
            "Adeola Odeku Street",
            "Awolowo Road",
            "Adetokunbo Ademola Street",
            "Herbert Macaulay Way",
            "Akin Adesola Street",
            "Ozumba Mbadiwe Avenue",
            "Ligali Ayorinde Street",
        ],
        cities=["Lagos", "Ikeja, Lagos", "Abuja", "Ibadan", "Port Harcourt"],
    ),
    "SI": dict(
        person="sl_SI",
        company=None,
        street="sl_SI",
        tld=".si",
        country="Slovenija",
        zip="####",
        lines=["{street} {n}", "{zip} {city}"],
        legal=["d.o.o.", "d.d."],
    ),
    "ID": dict(
        person="id_ID",
        company="id_ID",
        street="id_ID",
        tld=".co.id",
        country="Indonesia",
        zip="#####",
        lines=["{street} No. {n}", "{city} {zip}"],
    ),
    "VN": dict(
        person="vi_VN",
        company=None,
        street="vi_VN",
        tld=".vn",
        country="Việt Nam",
        zip="######",
        lines=["Số {n} {street}", "{city}"],
        legal_prefix=["Công ty TNHH", "Công ty Cổ phần"],
        cities=[
            "Quận 1, TP. Hồ Chí Minh",
            "Quận Ba Đình, Hà Nội",
            "Quận Hải Châu, Đà Nẵng",
            "TP. Cần Thơ",
            "TP. Hải Phòng",
        ],
    ),
    "CL": dict(
        person="es_CL",
        company="es_CL",
        street="es_CL",
        tld=".cl",
        country="Chile",
        zip="#######",
        lines=["{street} {n}", "{city}"],
    ),
    "CO": dict(
        person="es_CO",
        company=None,
        street="es_CO",
        tld=".com.co",
        country="Colombia",
        zip="######",
        lines=["{street} # {n}-{m}", "{city}"],
        legal=["S.A.S.", "Ltda."],
        cities=[
            "Bogotá D.C.",
            "Medellín, Antioquia",
            "Cali, Valle del Cauca",
            "Barranquilla, Atlántico",
            "Bucaramanga, Santander",
        ],
    ),
    "LT": dict(
        person="lt_LT",
        company=None,
        street=None,
        tld=".lt",
        country="Lietuva",
        zip="LT-#####",
        lines=["{street} {n}", "{zip} {city}"],
        legal_prefix=["UAB", "AB"],
        streets=[
            "Gedimino pr.",
            "Konstitucijos pr.",
            "Vilniaus g.",
            "Laisvės al.",
            "Savanorių pr.",
            "Ukmergės g.",
            "Žalgirio g.",
        ],
        cities=["Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys"],
    ),
}
# Business words for the composed company names (Faker en_PH's company nouns and types).
LEGAL_FORMS = {
    "sro",
    "os",
    "as",
    "vos",
    "ks",
    "kft",
    "kht",
    "zrt",
    "bt",
    "nyrt",
    "kkt",
    "oy",
    "oyj",
    "ky",
    "tmi",
    "osk",
    "ry",
    "aps",
    "a",
    "s",
    "sa",
    "srl",
    "ltd",
    "limited",
    "pty",
    "teoranta",
    "dac",
    "sas",
    "ltda",
    "uab",
    "ab",
    "tbk",
    "persero",
    "pt",
    "cv",
    "inc",
    "corporation",
    "company",
    "spa",
    "p",
    "eirl",
    "sociedad",
    "anonima",
    "limitada",
    "y",
    "doo",
    "o",
    "d",
    "dd",
    "es",
    "tarsa",
    "cong",
    "ty",
    "tnhh",
    "co",
    "phan",
    "and",
    "&",
}
GENERIC_STREET = {
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "av",
    "lane",
    "way",
    "drive",
    "boulevard",
    "blvd",
    "calle",
    "rua",
    "ul",
    "g",
    "pr",
    "al",
    "no",
    "nr",
}
# Titles seen on real cards and named in issue 14 (not in generate.py's TITLES): the kinds of
# title the development cards never print.
REAL_WORLD_TITLES = [
    "Quality Assurance Manager",
    "Head of Product Design",
    "VP Sales",
    "Country Manager",
    "Key Account Manager",
    "Regional Sales Manager",
    "Partner",
    "Owner",
    "Associate",
    "Licensed Real Estate Broker",
    "Registered Nurse",
    "General Counsel",
    "Project Coordinator",
    "Business Development Executive",
    "Chief Operating Officer",
    "Creative Director",
    "Senior Associate",
    "Site Supervisor",
    "Operations Lead",
    "Co-Founder",
]
LICENSED_TITLES = [
    "Owner",
    "Broker",
    "Registered Nurse",
    "Electrical Contractor",
    "Notary Public",
    "Chartered Accountant",
    "Licensed Plumber",
    "Real Estate Agent",
    "Insurance Agent",
    "Pharmacist",
]
MINOR = {"of", "and", "for", "the", "in", "as", "to", "a", "an", "at", "on"}


def fold(s: str) -> str:
    s = "".join({"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "đ": "d"}.get(c, c) for c in s.lower())
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def words(s: str) -> set[str]:
    return set(re.findall(r"\w+", fold(s)))


def development_vocabulary() -> dict[str, set[str]]:
    names, company, street, other = set(), set(), set(), set()
    for loc in generate.LOCALES.values():
        for n in loc["given"] + loc["family"]:
            names |= words(n)
        for c in loc["companies"]:
            company |= words(c)
        for s in loc["streets"] + loc["cities"]:
            street |= words(re.sub(r"\{\w+\}", " ", s))
    for given, family, title, *_ in generate.CAST:
        names |= words(given) | words(family)
        other |= words(title)
    company |= {"acme", "robotics"}
    real = HERE.parent.parent / "shared" / "realcards" / "dev" / "truth.jsonl"
    if real.exists():
        for line in real.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            names |= words(row.get("name") or "")
            company |= words(row.get("company") or "")
    return {
        "names": names,
        "company": company - LEGAL_FORMS,
        "street": street - GENERIC_STREET,
        "titles": {fold(t) for t in generate.TITLES + [c[2] for c in generate.CAST]},
        "taglines": {fold(t) for t in generate.TAGLINES},
    }


def keys(x) -> list[str]:
    return list(x.keys()) if isinstance(x, dict) else list(x)


def provider(kind: str, locale: str):
    try:
        return importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    except ImportError:
        return None


def sample(r: random.Random, items, k: int) -> list[str]:
    items = sorted(set(items))
    return sorted(r.sample(items, min(k, len(items))))


def people(r: random.Random, locale: str, dev: dict) -> dict[str, list[str]]:
    p = provider("person", locale)

    def ok(n: str) -> bool:
        return (
            bool(n)
            and " " not in n.strip()
            and not (words(n) & dev["names"])
            and n[0].isupper()
            and "." not in n
        )

    out = {}
    for sex in ("male", "female"):
        given = keys(getattr(p, f"first_names_{sex}", None) or p.first_names)
        family = keys(getattr(p, f"last_names_{sex}", None) or p.last_names)
        out[f"given_{sex}"] = sample(r, [n for n in given if ok(n)], 24)
        out[f"family_{sex}"] = sample(r, [n for n in family if ok(n)], 30)
    if locale == "vi_VN":  # Vietnamese names: family, middle, given; printed in that order
        out["middle"] = sample(r, keys(p.middle_names), 10)
    return out


def companies(r: random.Random, region: str, spec: dict, dev: dict, fam: list[str]) -> list[str]:
    out: set[str] = set()
    if spec["company"]:
        fake = Faker(spec["company"])
        fake.seed_instance(SEED)
        for _ in range(400):
            c = fake.company()
            if not (words(c) - LEGAL_FORMS) & dev["company"] and "{" not in c:
                out.add(c)
            if len(out) >= 14:
                break
        return sorted(out)
    ph = provider("company", "en_PH")
    nouns = [w for w in ph.company_nouns + ph.company_types if not words(w) & dev["company"]]
    for _ in range(200):
        pattern = r.randrange(3)
        core = (
            f"{r.choice(fam)} {r.choice(nouns)}"
            if pattern == 0
            else f"{r.choice(fam)} & {r.choice(fam)}"
            if pattern == 1
            else f"{r.choice(nouns)} {r.choice(nouns)}"
        )
        if "legal_prefix" in spec:
            c = f"{r.choice(spec['legal_prefix'])} {core}"
        else:
            c = f"{core} {r.choice(spec['legal'])}"
        if not (words(c) - LEGAL_FORMS) & dev["company"] and len(set(c.split())) == len(c.split()):
            out.add(c)
        if len(out) >= 14:
            break
    return sorted(out)


def streets(r: random.Random, spec: dict, dev: dict) -> list[str]:
    if spec["street"] is None:
        return spec["streets"]
    fake = Faker(spec["street"])
    fake.seed_instance(SEED)
    out = {
        s
        for s in (fake.street_name() for _ in range(300))
        if not words(s) & dev["street"] and not re.search(r"\d", s)
    }
    if spec["street"] == "zu_ZA":  # Faker's South African streets are bare names
        out = {f"{s} {r.choice(['Street', 'Road', 'Avenue', 'Drive'])}" for s in sorted(out)}
    return sample(r, out, 16)


def cities(r: random.Random, spec: dict, dev: dict) -> list[str]:
    if "cities" in spec:
        return spec["cities"]
    fake = Faker(spec["street"])
    fake.seed_instance(SEED + 1)
    out = {c for c in (fake.city() for _ in range(200)) if not words(c) & dev["street"]}
    return sample(r, out, 8)


def titles(r: random.Random, dev: dict) -> dict[str, list[str]]:
    jobs = provider("job", "en_US").jobs

    def title_case(s: str) -> str:
        ws = s.split()
        return " ".join(
            w if (i and w in MINOR) else w[:1].upper() + w[1:] for i, w in enumerate(ws)
        )

    simple = [
        title_case(j)
        for j in jobs
        if not re.search(r"[,()/]", j) and len(j.split()) <= 4 and len(j) <= 32
    ]
    picked = sample(r, [t for t in simple if fold(t) not in dev["titles"]], 70)
    real_world = [t for t in REAL_WORLD_TITLES if fold(t) not in dev["titles"]]
    return {"titles": picked + real_world, "licensed": LICENSED_TITLES}


def taglines(r: random.Random, dev: dict) -> list[str]:
    us = provider("company", "en_US")
    out = set()
    while len(out) < 30:
        a, b, c = (r.choice(ws) for ws in us.catch_phrase_words)
        t = f"{a} {b} {c}"
        if fold(t) not in dev["taglines"]:
            out.add(t)
    return sorted(out)


def main() -> None:
    r = random.Random(SEED)
    dev = development_vocabulary()
    data = {
        "source": "Faker 40.63.0 locale providers (MIT); see held_out_sources.py",
        "locales": {},
        **titles(r, dev),
        "taglines": taglines(r, dev),
    }
    for region, spec in LOCALES.items():
        ppl = people(r, spec["person"], dev)
        entry = {k: spec[k] for k in ("tld", "country", "zip", "lines")}
        entry.update(ppl)
        entry["companies"] = companies(r, region, spec, dev, ppl["family_male"])
        entry["streets"] = streets(r, spec, dev)
        entry["cities"] = cities(r, spec, dev)
        data["locales"][region] = entry
    out = HERE / "held_out_lists.json"
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
