import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_cards"

# A shell that starts the suite in the background (`pytest &`, nohup, some CI runners) leaves
# Ctrl-C ignored, and every namecards process a test starts inherits that: the tests that
# press Ctrl-C would see nothing happen. A Python handler is reset to the default on exec.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _private_config(tmp_path, monkeypatch):
    # Tests never read or write the developer's own config or data.
    monkeypatch.setenv("NAMECARDS_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("NAMECARDS_HOME", raising=False)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home):
    from namecards.store import open_store

    s = open_store(home)
    yield s
    s.close()


@pytest.fixture
def cli(home):
    """Run a namecards command in-process against the test home; returns the Click result."""
    from namecards.cli import cli as group

    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(group, ["--home", str(home), *args], input=input)

    return run


def namecards_command() -> list[str]:
    exe = shutil.which("namecards", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "namecards"]


@pytest.fixture
def run_installed(home):
    """Run the installed `namecards` entry point in a subprocess against the test home."""

    def run(*args, input=None, env=None):
        return subprocess.run(
            [*namecards_command(), "--home", str(home), *args],
            input=input, capture_output=True, text=True, timeout=300,
            env={**os.environ, **(env or {})},
        )

    return run


def truth() -> dict[str, dict]:
    rows = [json.loads(line) for line in (SAMPLES / "truth.jsonl").read_text().splitlines() if line]
    return {r["id"]: r for r in rows}


@pytest.fixture
def make_small_fs(tmp_path):
    """A file system of our own (tmpfs) of the given size, to fill up or make read-only:
    `make_small_fs("256k")` returns its mount point; unmounted after the test."""
    mounts = []

    def make(size: str = "64k") -> Path:
        mount = tmp_path / f"small{len(mounts)}"
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True).returncode != 0:
            pytest.skip("this machine does not let the tests mount a small file system")
        mounts.append(mount)
        return mount

    yield make
    for mount in mounts:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# Tests of the `ocr` package alone: it imports nothing of ours and reads no clock
# (test_clock checks both), so the date cannot change what they see. CI's second pass under
# faketime leaves them out (`-m "not clockfree"`); a test of these modules that uses a store
# or the CLI still runs in it.
CLOCK_FREE_MODULES = {"test_ocr_cards", "test_ocr_engines", "test_ocr_images", "test_ocr_fields",
                      "test_held_out_cards", "test_table_photos"}
_STORE_FIXTURES = {"home", "store", "cli", "run_installed"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if (module is not None and module.__name__.rsplit(".", 1)[-1] in CLOCK_FREE_MODULES
                and not _STORE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.clockfree)

