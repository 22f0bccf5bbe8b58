"""Privacy and security: private files, no network, no location in stored images, export paths
that stay in their folder, templates that cannot run code."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import stat
from pathlib import Path

import pytest
from fixtures.hostile import corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from namecards.privacy import has_location, safe_child, safe_filename, strip_location


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- location metadata


def _image_bytes(fmt: str, *, orientation: int | None = 6) -> bytes:
    im = corpus.card_image(corpus.person(1), size=(320, 200))
    buf = io.BytesIO()
    kwargs = {"exif": corpus.gps_exif(orientation)}
    if fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta><exif:GPSLatitude>52,22N'
                      '</exif:GPSLatitude></x:xmpmeta>')
        kwargs["pnginfo"] = info
    im.save(buf, fmt, **kwargs)
    data = buf.getvalue()
    if fmt == "JPEG":  # and an XMP packet and an IPTC block, as phones and Photoshop write
        xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>52,22N</x:xmpmeta>"
        iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0a\x1c\x02\x5a\x00\x05Delft"
        seg = lambda m, p: b"\xff" + bytes([m]) + (len(p) + 2).to_bytes(2, "big") + p
        data = data[:2] + seg(0xE1, xmp) + seg(0xED, iptc) + data[2:]
    return data


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_location_is_stripped_and_everything_else_kept(fmt):
    data = _image_bytes(fmt)
    assert has_location(data)
    clean = strip_location(data)
    assert not has_location(clean)
    assert b"52,22N" not in clean and b"Delft" not in clean
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(clean)) as after:
        exif = after.getexif()
        assert exif.get(0x0112) == 6, "orientation kept: the drill shows the card upright"
        assert exif.get(0x010F) == "PhoneMaker"
        assert not exif.get_ifd(0x8825)
        sub = exif.get_ifd(0x8769)
        assert sub.get(0x9003) == "2026:11:20 10:00:00" and 0x9010 not in sub
        assert before.size == after.size
        assert before.tobytes() == after.tobytes(), "never re-encoded: the same pixels"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n",
                                                  b"RIFF\x00\x00\x00\x00WEBP", b"II*\x00"]))
def test_strip_location_never_raises(data, prefix):
    assert isinstance(strip_location(prefix + data), bytes)


def test_stored_card_images_have_no_location_and_are_private(tmp_path, monkeypatch, store):
    from namecards.services.scanning import scan

    corpus.use_fake_ocr(monkeypatch)
    photo = tmp_path / "phone.jpg"
    photo.write_bytes(_image_bytes("JPEG"))
    png = tmp_path / "phone.png"
    png.write_bytes(_image_bytes("PNG"))
    results = list(scan(store, [photo, png]))
    assert [r["status"] for r in results] in (["added", "added"], ["added", "updated"])
    rows = list(store.db.query("select sha256, path, card_path from scans"))
    assert len(rows) == 2
    for row in rows:
        for rel in (row["path"], row["card_path"]):
            stored = store.home / rel
            assert not has_location(stored.read_bytes()), rel
            assert mode(stored) == 0o600
    # The duplicate check still knows the original file.
    assert [r["status"] for r in scan(store, [photo])] == ["duplicate"]


# ---------------------------------------------------------------- permissions


def test_home_db_wal_shm_and_images_are_private(tmp_path, monkeypatch):
    from namecards.services.scanning import scan
    from namecards.store import open_store

    monkeypatch.setattr(os, "umask", os.umask)  # whatever umask the user has
    old = os.umask(0o022)
    try:
        home = tmp_path / "deep" / "home"
        store = open_store(home)
        corpus.use_fake_ocr(monkeypatch)
        card = corpus.write_card(tmp_path / "c.png", corpus.person(3))
        assert [r["status"] for r in scan(store, [card])] == ["added"]
        files = [home / "namecards.db", home / "namecards.db-wal", home / "namecards.db-shm"]
        assert all(f.exists() for f in files), "WAL files exist while the store is open"
        assert mode(home) == 0o700 and mode(home / "cards") == 0o700
        for f in files + list((home / "cards").iterdir()):
            assert mode(f) == 0o600, f
        store.close()
    finally:
        os.umask(old)


def test_writing_a_letter_leaves_the_chosen_folder_alone(cli, tmp_path):
    out = tmp_path / "Desktop"
    out.mkdir(mode=0o755)
    out.chmod(0o755)
    assert cli("add", "--name", "María López", "--company", "Acme").exit_code == 0
    r = cli("letter", "maria", "-o", str(out / "maria.txt"))
    assert r.exit_code == 0, r.output
    assert mode(out) == 0o755, "the user's folder keeps its permissions"
    assert mode(out / "maria.txt") == 0o600


# ---------------------------------------------------------------- no network


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in an offline program")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_scan_drill_letters_and_exports_work_with_the_network_blocked(no_network, home, cli,
                                                                      tmp_path, monkeypatch):
    card = corpus.write_card(tmp_path / "card.jpg", corpus.person(7))
    if not corpus.real_ocr_available():
        corpus.use_fake_ocr(monkeypatch)
    r = cli("scan", str(card), "--event", "Acme fair", "--date", "2026-12-03", "--json")
    assert r.exit_code == 0, r.output
    cid = json.loads(r.stdout.splitlines()[0])["contact_id"]
    assert cli("note", str(cid), "- likes {{ ''.__class__ }} and Rust").exit_code == 0

    from namecards.store import open_store
    from tui.app import make_app

    store = open_store(home)

    async def drill():
        app = make_app(store, start="drill")
        async with app.run_test(size=(100, 32)) as pilot:
            prompt = app.screen.prompt
            if prompt["typed"]:
                for ch in prompt["answer"]:
                    await pilot.press("space" if ch == " " else ch)
                await pilot.press("enter")
            else:
                await pilot.press("space")
                await pilot.press("3")
            await pilot.pause()
            await pilot.press("q")

    asyncio.run(drill())
    assert store.db["reviews"].count >= 1
    store.close()

    r = cli("letter", str(cid), "--format", "eml", "-o", str(tmp_path / "l.eml"))
    assert r.exit_code == 0, r.output
    assert cli("letters", "--event", "acme", "-o", str(tmp_path / "drafts")).exit_code == 0
    for fmt, name in (("markdown", "x.md"), ("vcard", "x.vcf"), ("csv", "x.csv"),
                      ("json", "x.json"), ("anki", "x.apkg"), ("ics", "x.ics")):
        r = cli("export", fmt, "-o", str(tmp_path / name))
        assert r.exit_code == 0, (fmt, r.output)
    assert no_network == [], "something tried the network"


# ---------------------------------------------------------------- paths and templates

EVIL_NAMES = ["../../../etc/evil", "..", ".", "/abs/path", "a/b\\c", "CON", "x\x00y",
              ".hidden", "-rf", "~/.ssh/id_rsa", "name\nwith\nlines", "%2e%2e%2fx", "…" * 200]


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_safe_child_never_leaves_its_folder(tmp_path_factory, text):
    base = tmp_path_factory.getbasetemp() / "out"
    path = safe_child(base, text)
    assert path.parent == base.resolve()
    assert path.name not in ("", ".", "..") and not path.name.startswith(".")
    assert "/" not in safe_filename(text) and "\x00" not in safe_filename(text)


def test_bulk_letters_and_vcard_dirs_stay_in_their_folder(cli, tmp_path):
    for name in EVIL_NAMES:
        r = cli("add", "--name", name, "--event", "Evil fair", "--force",
                "--email", f"x{abs(hash(name))}@evil.example")
        assert r.exit_code == 0, (name, r.output)
    drafts = tmp_path / "sandbox" / "drafts"
    r = cli("letters", "--event", "evil", "-o", str(drafts))
    assert "Traceback" not in r.output
    vdir = tmp_path / "sandbox" / "vdir"
    r = cli("export", "vcard", "--dir", str(vdir))
    assert r.exit_code == 0, r.output
    outside = [p for p in (tmp_path).rglob("*") if p.is_file()
               and not p.is_relative_to(tmp_path / "sandbox") and "home" not in p.parts
               and "config" not in p.parts]
    assert outside == []
    assert len(list(vdir.iterdir())) == len(EVIL_NAMES)
    assert not Path("/abs/path").exists() and not (Path.home() / ".ssh" / "id_rsa.eml").exists()


def test_templates_cannot_run_code_and_contact_data_prints_literally(cli, tmp_path, monkeypatch):
    assert cli("add", "--name", "Tom {{ 7*7 }} Riddle", "--company", "{% for x in range(3) %}X"
               "{% endfor %}").exit_code == 0
    assert cli("note", "tom", "- {{ ''.__class__.__mro__[1].__subclasses__() }}").exit_code == 0
    r = cli("letter", "tom")
    assert r.exit_code == 0, r.output
    assert "{{ 7*7 }}" in r.output and "49" not in r.output
    assert "__subclasses__" in r.output and "<class" not in r.output

    templates = tmp_path / "config" / "templates"
    templates.mkdir(parents=True)
    (templates / "evil.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}"
        "{{ contact.__class__.__init__.__globals__ }}")
    r = cli("letter", "tom", "--template", "evil")
    assert r.exit_code == 1
    assert "Traceback" not in r.output and "<class" not in r.output
    assert len([line for line in r.output.splitlines() if line.startswith("namecards:")]) == 1
