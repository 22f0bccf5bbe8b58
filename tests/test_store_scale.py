"""The scale benchmark still runs (tiny scale, no timings asserted) and edits only its section."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_benchmark():
    spec = importlib.util.spec_from_file_location("store_scale", ROOT / "benchmarks" / "store_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_generates_measures_and_writes_its_section(tmp_path):
    bench = load_benchmark()
    info = bench.generate(tmp_path / "home", scale=0.002)
    assert info["contacts"] == 200 and info["notes"] == 600 and info["reviews"] == 2000
    results = bench.measure(tmp_path / "home", runs=6)
    text = bench.table(results, info)
    assert "| search (FTS, 50 best, snippets) |" in text and "database size" in text

    from namecards.domain.contacts import search_contacts
    from namecards.store import open_store

    with open_store(tmp_path / "home") as store:
        assert search_contacts(store, "robotics")

    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n<!-- store_scale:start -->\nold\n"
                   "<!-- store_scale:end -->\n\n## Other\nkept\n")
    bench.write_docs(text, doc)
    out = doc.read_text()
    assert "old" not in out and "intro" in out and "## Other\nkept" in out and text in out
    fresh = tmp_path / "fresh.md"
    bench.write_docs(text, fresh)
    assert "<!-- store_scale:start -->" in fresh.read_text()
