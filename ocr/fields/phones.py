"""Phone and fax numbers with phonenumbers (valid numbers only), in the regions the card
names."""

from __future__ import annotations

import re

import phonenumbers

from . import repair

FAX_LABEL = re.compile(r"(?:\bfax\b|[¢(]ax\b|\btelefax\b|\bfx\b|(?:^|[\s|/])[f¢]\s*[:.]?\s*$)", re.I)
PHONE_LABEL = re.compile(r"(?i)\b(tel|phone|fax|mob|mobile|cell|office|direct|main|t|m|f|p)\b")


def find_phones(text: str, regions: list[str | None]) -> list[tuple[str, bool, int, int]]:
    """(E.164, is_fax, start, end) for the numbers in one line."""
    found = _find(text, regions)
    if not found:
        # "+90 324 238 05 40-41-42": a number with its neighbours' last digits after it.
        short = re.sub(r"\b(\d{2})((?:-\d{2}){1,4})\b", lambda m: m.group(1) + " " * len(
            m.group(2)), text)
        if short != text:
            found = _find(short, regions)
    return found


def international_regions(text: str) -> list[str]:
    """The countries of the numbers written with +CC in a line."""
    out = []
    for e164, _, _, _ in _find(text, [None]):
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
        if region and region != "ZZ":
            out.append(region)
    return out


def _find(text: str, regions: list[str | None]) -> list[tuple[str, bool, int, int]]:
    text = repair.digits(text)
    found: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    for reg in regions:
        try:
            matches = list(
                phonenumbers.PhoneNumberMatcher(text, reg, leniency=phonenumbers.Leniency.VALID)
            )
        except Exception:  # pragma: no cover - phonenumbers on odd input
            continue
        for m in matches:
            if any(not (m.end <= a or m.start >= b) for a, b in spans):
                continue
            spans.append((m.start, m.end))
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((e164, m.start, m.end))
    found.sort(key=lambda f: f[1])
    out = []
    prev_end = 0
    for e164, a, b in found:
        label = re.split(r"[|]", text[prev_end:a])[-1]
        out.append((e164, bool(FAX_LABEL.search(label)), a, b))
        prev_end = b
    return out


def fit_card_region(e164: str, matched: str, card_regions: list[str]) -> str:
    """A number from a country the card does not name, one OCR slip from one it does: "+43 512
    547 215" on a Polish card is "+48 …" with the 8 read as 3; "15126871650" on a German card is
    the mobile "0151 26871650" with its 0 lost. Only a valid number of the card's country
    replaces the first reading."""
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


NATIONAL_RUN = re.compile(r"(?<![\d+])\d[\d\s().-]{6,}\d(?!\d)")


def region_of_numbers(texts: list[str]) -> str | None:
    """The one country in which every national number on the card is valid, when there is one:
    a card that names no country and writes no +CC ("98122-05280" and "70153-01752" are
    Indian mobiles, not American numbers). None when no number or several countries fit."""
    runs = []
    for t in texts:
        if "@" in t:
            continue
        for m in NATIONAL_RUN.finditer(repair.digits(t)):
            if 8 <= sum(c.isdigit() for c in m.group()) <= 12:
                runs.append(m.group())
    runs = runs[:4]
    if not runs:
        return None
    fits = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for run in runs:
            try:
                n = phonenumbers.parse(run, region)
            except phonenumbers.NumberParseException:
                break
            if not phonenumbers.is_valid_number(n) or \
                    phonenumbers.region_code_for_number(n) != region:
                break
        else:
            fits.append(region)
    return fits[0] if len(fits) == 1 else None  # (US, the default, needs no guess)
