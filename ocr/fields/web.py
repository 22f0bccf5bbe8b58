"""Websites and what a domain says: the card's country, the company's name."""

from __future__ import annotations

import functools
import re

from . import lexicon, repair
from .lexicon import fold


@functools.lru_cache(maxsize=1)
def _web_re() -> re.Pattern:
    tld_alt = "|".join(sorted(lexicon.tlds(), key=len, reverse=True))
    return re.compile(
        r"(?:(?:https?://)?(?:www\.)[a-z0-9-]+(?:\.[a-z0-9-]+)+|https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+"
        r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:" + tld_alt + r")\b)(?:/[\w./-]*)?",
        re.I,
    )


def find_website(text: str) -> str | None:
    if "@" in text:
        return None
    text = repair.pipe_to_l(text)
    tld_alt = "|".join(sorted(lexicon.tlds(), key=len, reverse=True))
    t = text.replace(" .", ".").replace(". ", ".") if re.search(r"www\s?\.", text, re.I) else text
    t = re.sub(r"\bwww\s*[-:.,;]+\s*", "www.", t, flags=re.I)
    t = re.sub(r"\.\s+([a-z]{2,3})\b", r".\1", t) if re.search(r"www\.", t, re.I) else t
    # "www.vela-digitale it": the dot before a known top-level domain read as a space.
    t = re.sub(r"(?i)(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*) (" + tld_alt + r")\b", r"\1.\2", t)
    # "wwwsafeseabd.com": the dot after www lost.
    t = re.sub(r"(?i)\bwww(?=[a-z0-9-]{3,}\.[a-z]{2,})", "www.", t)
    # "Wwww.", "avww.": a logo edge or a blurred w in front of the real www.
    t = re.sub(
        r"(?i)(?:^|(?<=[\s(/]))[a-z(]{0,2}(?:www|vww|wvw|wwv|vvw|ww)\.(?=[a-z0-9-]+\.)", "www.", t
    )
    m = _web_re().search(t)
    if not m:
        return None
    site = m.group(0).lower().rstrip("./")
    site = re.sub(r"^https?://", "", site)
    if not re.search(r"\.[a-z]{2,}(?:/|$)", site):  # "Dr." or "St." are not domains
        return None
    host = site.split("/")[0]
    if host.rsplit(".", 1)[-1] not in lexicon.tlds():
        return None
    return site


def domain_core(domain: str) -> str:
    """The name part of a domain: "www.acme-robotics.co.uk" → "acmerobotics"."""
    parts = domain.lower().removeprefix("www.").split("/")[0].split(".")
    while len(parts) > 1 and parts[-1] in lexicon.tlds():
        parts.pop()
    return fold(".".join(parts))


def region_from_domain(domain: str) -> str | None:
    tld = domain.lower().split("/")[0].rsplit(".", 1)[-1]
    if len(tld) != 2 or tld not in lexicon.tlds() or tld in {"co", "io", "ai", "tv", "me", "eu"}:
        return None
    return "GB" if tld == "uk" else tld.upper()
