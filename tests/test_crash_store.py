"""Card images are written to a temporary name, synced and renamed: a crash mid-write never
leaves half a file under the name the database uses."""

from __future__ import annotations

import os

import pytest

from namecards.store import write_private_file


def test_images_are_written_to_a_temp_name_then_renamed(store, monkeypatch):
    calls = []
    real_replace = os.replace

    def replace(src, dst):
        calls.append((os.path.basename(src), os.path.basename(dst)))
        assert os.path.getsize(src) == 5, "the whole file is there before it gets its name"
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    sha, rel = store.save_image(b"12345", ".jpg")
    assert calls and calls[0][0].startswith(".tmp-") and calls[0][1] == f"{sha}.jpg"
    assert (store.home / rel).read_bytes() == b"12345"


def test_a_failed_write_leaves_neither_file_nor_temp(store, monkeypatch):
    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        store.save_image(b"x" * 1000, ".jpg")
    assert list(store.cards_dir.iterdir()) == []


def test_a_failed_image_write_files_nothing(tmp_path, monkeypatch, store):
    """The scan reports the error and writes no row pointing at an image that isn't there."""
    from fixtures.hostile import corpus

    from namecards.services.scanning import scan

    corpus.use_fake_ocr(monkeypatch)
    card = corpus.write_card(tmp_path / "card.png", corpus.person(1))
    real = write_private_file.__globals__["os"].replace
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space")))
    [result] = scan(store, [card])
    assert result["status"] == "error" and "cannot store it" in result["error"]
    assert "No space" in result["error"] and "card.png" in result["error"]
    monkeypatch.setattr(os, "replace", real)
    assert store.db["scans"].count == 0 and store.db["contacts"].count == 0
    assert [r["status"] for r in scan(store, [card])] == ["added"]
