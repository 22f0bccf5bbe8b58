"""The held-out benchmark cards stay held out: none of their names, companies, titles,
taglines or streets is on the committed (development) cards, and every new layout is drawn."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cards"
sys.path.insert(0, str(SAMPLES))

import generate  # noqa: E402
import held_out  # noqa: E402

# Pieces of legal forms both lists print ("a.s.", "o.s.", "AB", "Ltd", "Ltda.", "S.p.A."): the
# world's vocabulary, not our generator's.
LEGAL_FORM_PIECES = {"a", "ab", "co", "ltd", "ltda", "o", "p", "s", "sa"}


def fold(s: str) -> str:
    s = "".join({"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "đ": "d"}.get(c, c) for c in s.lower())
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def words(s: str) -> set[str]:
    return set(re.findall(r"\w+", fold(s)))


def test_held_out_lists_share_nothing_with_the_development_cards():
    data = held_out.lists()
    dev_names = set()
    dev_company = set()
    for loc in generate.LOCALES.values():
        for n in loc["given"] + loc["family"]:
            dev_names |= words(n)
        for c in loc["companies"]:
            dev_company |= words(c)
    for given, family, *_ in generate.CAST:
        dev_names |= words(given) | words(family)
    for region, loc in data["locales"].items():
        assert region not in generate.LOCALES, region  # other countries, other phone plans
        for key in ("given_male", "given_female", "family_male", "family_female"):
            assert not {w for n in loc[key] for w in words(n)} & dev_names, (region, key)
        for company in loc["companies"]:
            assert not (words(company) - LEGAL_FORM_PIECES) & dev_company, company
    dev_titles = {fold(t) for t in generate.TITLES + [c[2] for c in generate.CAST]}
    assert not {fold(t) for t in data["titles"] + data["licensed"]} & dev_titles
    assert not {fold(t) for t in data["taglines"]} & {fold(t) for t in generate.TAGLINES}


def test_every_layout_and_table_is_drawn_and_the_truth_matches_the_card():
    data = held_out.lists()
    cards = [held_out.make_card(i, random.Random(i), data) for i in range(21)]
    assert {c.layout for c in cards} == set(held_out.LAYOUTS)
    assert {c.table for c in cards} == set(held_out.TABLES)
    comma = next(c for c in cards if c.layout == "comma_line")
    assert comma.title in data["licensed"] and comma.licence
    vertical = next(c for c in cards if c.layout == "vertical")
    img, name_boxes = held_out.render(vertical, random.Random(0))
    assert img.height > img.width and name_boxes
    rec = held_out.truth_record(vertical, ["scans/x.jpg", "photos/x.jpg"])
    assert rec["full_name"] == vertical.full and rec["emails"] == [vertical.email]
