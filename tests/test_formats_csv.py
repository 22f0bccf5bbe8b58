import copy
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namecards.formats import FormatError, strip_cloze
from namecards.formats.csvfmt import contacts_to_csv, parse_csv
from namecards.formats.linkedin import parse_linkedin_connections, sniff_format

FIX = Path(__file__).parent / "fixtures/formats"
_SAMPLES = json.loads((FIX / "contacts.json").read_text("utf-8"))
ZOE, RAJ, BARE = (_SAMPLES[k] for k in ("zoe", "raj", "bare"))


def test_csv_export_read_by_csv_module_and_neutralised():
    text = contacts_to_csv([ZOE, RAJ, BARE])
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 3
    zoe = rows[0]
    assert zoe["Name"] == "Zoë Müller-Łukasiewicz"
    assert zoe["Email"] == "zoe@acme.example; zoe.m@mail.example"
    assert zoe["Phone"] == "'+4915112345678; +49301234567"
    assert zoe["Company"] == "Acme Robotics, Inc."
    # Cloze marks are for the drill: a spreadsheet gets the plain text.
    assert zoe["Talking points"].splitlines() == [strip_cloze(p["text"]) for p in ZOE["talking_points"]]
    assert zoe["UID"] == ZOE["uid"]
    assert rows[2]["Name"] == "Ngozi Okonjo" and rows[2]["Email"] == ""
    # the caller writes utf-8-sig: the BOM must then decode back cleanly
    assert text.encode("utf-8-sig").decode("utf-8-sig") == text


@pytest.mark.parametrize(
    "evil", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
)
def test_csv_injection_neutralised(evil):
    c = copy.deepcopy(BARE)
    c["company"] = evil
    c["full_name"] = evil
    rows = list(csv.DictReader(io.StringIO(contacts_to_csv([c]), newline="")))
    assert rows[0]["Company"] == "'" + evil
    assert not rows[0]["Name"].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_round_trip():
    text = contacts_to_csv([ZOE, RAJ, BARE])
    contacts, errors = parse_csv(text.encode("utf-8-sig"))
    assert errors == []
    assert [c["full_name"] for c in contacts] == [
        "Zoë Müller-Łukasiewicz",
        "Raj Patel",
        "Ngozi Okonjo",
    ]
    zoe = contacts[0]
    assert [e["value"] for e in zoe["emails"]] == ["zoe@acme.example", "zoe.m@mail.example"]
    assert [p["value"] for p in zoe["phones"]] == ["+4915112345678", "+49301234567"]
    assert zoe["uid"] == ZOE["uid"]
    assert zoe["tags"] == ["acme", "interview"]
    # Every point comes back (those a note holds as its bullets are read from the note).
    assert {strip_cloze(p["text"]) for p in ZOE["talking_points"]} <= {
        p["text"] for p in zoe["talking_points"]}
    assert [n["text"] for n in zoe["notes"]] == [strip_cloze(n["text"]) for n in ZOE["notes"]]
    assert zoe["urls"] == [
        {"value": "https://www.linkedin.com/in/zoe-mueller", "label": "linkedin"}
    ]


def test_cp1252_semicolon_csv():
    contacts, errors = parse_csv((FIX / "contacts_cp1252.csv").read_bytes())
    assert errors == []
    assert [c["full_name"] for c in contacts] == ["François Lefèvre", "Jürgen Weiß"]
    assert contacts[0]["company"] == "Société Générale"
    assert contacts[0]["title"] == "Directeur"
    assert contacts[0]["talking_points"] == [{"text": "Loves Citroën 2CVs", "note": 0}]
    assert [e["value"] for e in contacts[1]["emails"]] == ["juergen@example.de", "jw@example.de"]


def test_header_variants_and_mapping():
    data = (
        "First Name,Last Name,E-mail,Tel,Organization,Job Title,URL,Nickname\n"
        "Zoë,Müller,zoe@acme.example,+49 151,Acme,CTO,https://acme.example,Zo\n"
        ",,,,,,,only a nickname\n"
    ).encode()
    contacts, errors = parse_csv(data)
    assert contacts[0]["full_name"] == "Zoë Müller"
    assert contacts[0]["given_name"] == "Zoë" and contacts[0]["family_name"] == "Müller"
    assert contacts[0]["website"] == "https://acme.example"
    assert len(errors) == 1 and "row 3" in errors[0]
    contacts, _ = parse_csv(
        data, mapping={"nickname": "full_name", "First Name": None, "last name": None}
    )
    assert contacts[0]["full_name"] == "Zo"
    with pytest.raises(FormatError, match="unknown field"):
        parse_csv(data, mapping={"Nickname": "nick"})


@pytest.mark.parametrize("name", ["no_header.csv", "binary_junk.bin"])
def test_csv_without_header_or_junk(name):
    with pytest.raises(FormatError) as info:
        parse_csv((FIX / name).read_bytes(), source=name)
    assert str(info.value).startswith(name + ":")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_empty_csv(data):
    with pytest.raises(FormatError, match="empty"):
        parse_csv(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: ("Name,Email\n" + t).encode()))
def test_parse_csv_only_raises_format_error(data):
    try:
        contacts, errors = parse_csv(data)
    except FormatError:
        return
    assert isinstance(contacts, list) and isinstance(errors, list)


def test_linkedin_new_export_with_preamble():
    data = (FIX / "linkedin_connections.csv").read_bytes()
    assert sniff_format("Connections.csv", data) == "linkedin"
    contacts, errors = parse_linkedin_connections(data, source="Connections.csv")
    assert [c["full_name"] for c in contacts] == [
        "Zoë Müller-Łukasiewicz",
        "Raj Patel",
        "José Ángel de la Vega",
    ]
    zoe = contacts[0]
    assert zoe["company"] == "Acme Robotics, Inc."
    assert zoe["title"] == "Head of Test Engineering"
    assert zoe["connected_on"] == "2024-03-12"
    assert zoe["urls"] == [
        {"value": "https://www.linkedin.com/in/zoe-mueller", "label": "linkedin"}
    ]
    assert zoe["emails"] == []
    assert contacts[1]["emails"] == [{"value": "raj@acme.example", "label": None}]
    assert contacts[2]["company"] == "Vega, Hijos y Cía" and contacts[2]["title"] == "CEO, Founder"
    assert errors == ["Connections.csv: row 8: no name"]


def test_linkedin_old_export_without_url():
    data = (FIX / "linkedin_connections_old.csv").read_bytes()
    assert sniff_format("Connections.csv", data) == "linkedin"
    contacts, errors = parse_linkedin_connections(data)
    assert errors == []
    assert [(c["full_name"], c["company"], c["connected_on"]) for c in contacts] == [
        ("Ngozi Okonjo", "Lagos Tech, Ltd.", "2018-06-15"),
        ("Björk Guðmundsdóttir", "Sykurmolarnir", "2017-09-02"),
    ]
    assert all(c["urls"] == [] for c in contacts)


def test_linkedin_rejects_other_files():
    for name in (
        "contacts_cp1252.csv",
        "no_header.csv",
        "three_contacts_30.vcf",
        "binary_junk.bin",
    ):
        with pytest.raises(FormatError):
            parse_linkedin_connections((FIX / name).read_bytes())


def test_sniff_format():
    assert sniff_format("a.vcf", b"") == "vcard"
    assert sniff_format("export.txt", (FIX / "single_40.vcf").read_bytes()) == "vcard"
    assert sniff_format(None, (FIX / "three_contacts_30.vcf").read_bytes()) == "vcard"
    assert sniff_format("x.csv", (FIX / "contacts_cp1252.csv").read_bytes()) == "csv"
    assert sniff_format("x.csv", b"First Name,Last Name,Email\nA,B,c@d.e\n") == "csv"
    assert sniff_format("x.csv", contacts_to_csv([ZOE]).encode("utf-8-sig")) == "csv"
    assert sniff_format("x.bin", (FIX / "binary_junk.bin").read_bytes()) == "csv"
