"""Property tests on untrusted text: the field extractor never raises and returns only valid
e-mails and E.164 phones; the importers never raise anything but FormatError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import email_validator
import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import ocr
from namecards.formats import FormatError

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of real cards, so the fuzzer reaches the parsers' interesting branches quickly.
FRAGMENTS = st.sampled_from([
    "María José Núñez", "Dr. Jürgen Groß, PhD", "CTO", "Acme Robotics GmbH", "Tel", "Fax",
    "+49 30 1234567", "(11) 2747-8430", "+1 (415) 555-0132", "ext. 12", "+44 20 7946 0958",
    "maria@acme.example", "name@site,com", "a @ b.co", "@@", "www.acme.example", "https://x.y",
    "Rua Augusta 1200, São Paulo", "10115 Berlin", "Mobile:", "e-mail:", "|", "—", "☎", "✉",
    "0000000000000000000", "+999 999 999", "1-800-FLOWERS", "x" * 24, "\t", "\u200b", "\x0c",
])
LINE = st.one_of(st.text(max_size=80), st.lists(FRAGMENTS, max_size=5).map(" ".join))
REGION = st.sampled_from([None, "US", "BR", "DE", "GB", "JP", "ZZ", "xx"])


def check_reading(fields: dict, confidence: dict) -> None:
    for e in fields.get("emails") or []:
        email_validator.validate_email(e, check_deliverability=False)
    for key in ("phones", "faxes"):
        for p in fields.get(key) or []:
            assert p.startswith("+"), p
            number = phonenumbers.parse(p, None)
            assert phonenumbers.is_valid_number(number), p
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == p
    for key, value in confidence.items():
        assert value is None or 0.0 <= value <= 1.0, (key, value)


@SETTINGS
@given(st.lists(LINE, max_size=14), REGION)
@example(["name@site,com", "(11) 2747-8430"], "BR")
@example(["\x00\x1b[2J", "+1 415 555 0132 ext 9999999999999"], None)
def test_extract_fields_never_raises_and_returns_valid_values(lines, region):
    fields, confidence = ocr.extract_fields(lines, region=region)
    check_reading(fields, confidence)


def test_extract_fields_drops_control_characters():
    fields, _ = ocr.extract_fields(["\x08", "CTO", "Ana\x1b[31m Okafor"])
    for key, value in fields.items():
        if isinstance(value, str):
            assert not any(ord(ch) < 32 and ch != "\n" for ch in value), (key, value)


def test_a_long_title_line_does_not_hang_the_scan():
    line = "Head of Business Development and Partnerships Europe Zoë"  # 18 s on its own
    code = f"import ocr; ocr.extract_fields([{line!r}, 'x' * 60 + ' Núñez'])"
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, timeout=10,
                   check=True, capture_output=True)


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, value in edits:
        if out:
            out[pos % len(out)] = value
    return bytes(out)


VCARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-1\r\nFN:Zoë Ó Briain\r\nN:Ó Briain;Zoë;;;\r\n"
         "EMAIL;TYPE=INTERNET:zoe@example.com\r\nTEL;TYPE=CELL:+353 1 234 5678\r\n"
         "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==\r\nNOTE:line1\\nline2\r\n"
         "END:VCARD\r\n").encode()
CSV = b"First Name,Last Name,Email Address,Company,Position\r\nAna,Okafor,a@b.co,Acme,CTO\r\n"
BYTES = st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from([VCARD, CSV, VCARD * 3]),
              st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12))
    .map(lambda t: _mutate(*t)),
    st.tuples(st.sampled_from([VCARD, CSV]), st.integers(0, 400)).map(lambda t: t[0][: t[1]]),
)


def _parsers():
    from namecards.formats.csvfmt import parse_csv
    from namecards.formats.jsonfmt import parse_json
    from namecards.formats.linkedin import parse_linkedin_connections
    from namecards.formats.vcard import parse_vcards

    return {"vcard": parse_vcards, "csv": parse_csv, "linkedin": parse_linkedin_connections,
            "json": parse_json}


@pytest.mark.parametrize("fmt", ["vcard", "csv", "linkedin", "json"])
def test_importers_raise_only_format_error(fmt):
    parse = _parsers()[fmt]

    @SETTINGS
    @given(BYTES)
    def check(data):
        try:
            contacts, problems = parse(data)
        except FormatError as e:
            assert str(e) and "\n" not in str(e)
            return
        assert isinstance(contacts, list) and all(isinstance(p, str) for p in problems)
        for c in contacts:
            assert isinstance(c, dict)

    check()
