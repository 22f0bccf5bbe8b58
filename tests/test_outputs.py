"""`-o PATH` writes beside the target and renames: nothing at PATH is destroyed first, devices,
FIFOs and folders are refused, `-` is standard output."""

import os
import stat
import subprocess
import sys

import pytest

from namecards.domain.contacts import add_contact, add_note
from namecards.outputs import OutputError, write_output


@pytest.fixture
def people(store):
    maria = add_contact(store, "María López", company="Acme Robotics",
                        emails=["maria@acme.example"])
    add_note(store, maria, "- leads the ROS 2 migration")
    return maria


def test_a_new_file_is_private_and_a_replaced_one_keeps_its_mode(tmp_path):
    new = tmp_path / "new.vcf"
    write_output(new, "BEGIN:VCARD")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared = tmp_path / "shared.md"
    shared.write_text("old")
    shared.chmod(0o644)
    write_output(shared, "new")
    assert shared.read_text() == "new" and stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.vcf", "shared.md"]


def test_a_symlink_stays_a_link_and_its_target_gets_the_data(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_folders_fifos_and_devices_are_refused_and_left_alone(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_output(tmp_path, "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="pipe"):
        write_output(fifo, "x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(OutputError, match="device"):
        write_output("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_the_cli_refuses_dev_null_and_keeps_the_device(run_installed, people):
    r = run_installed("export", "vcard", "-o", "/dev/null")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "namecards: /dev/null is a device, not a file: namecards writes only regular files "
        "(use - for standard output)"]
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dash_means_standard_output_for_every_format(cli, people):
    for fmt in ("markdown", "vcard", "csv", "json"):
        r = cli("export", fmt, "-o", "-")
        assert r.exit_code == 0, r.output
        assert "leads the ROS 2 migration" in r.output or "maria@acme.example" in r.output, fmt
    assert not os.path.exists("-")
    r = cli("letter", "maria", "-o", "-")
    assert r.exit_code == 0 and "María" in r.output


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path):
    # A file-size limit makes the write fail half-way, as a full disk does.
    target = tmp_path / "contacts.vcf"
    target.write_text("the old export\n")
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from namecards.outputs import write_output, OutputError\n"
        "try:\n"
        f"    write_output({str(target)!r}, b'x' * 100_000)\n"
        "except OutputError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith(f"cannot write {target}:") and "old file is untouched" in out
    assert target.read_text() == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.vcf"]


@pytest.fixture
def small_fs(tmp_path):
    """A 64 KiB file system of our own (tmpfs), to fill up or make read-only."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not let the tests mount a small file system")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_folder_names_the_target_not_a_temporary_file(small_fs):
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    with pytest.raises(OutputError) as e:
        write_output(small_fs / "notes.md", "x")
    assert str(e.value) == f"cannot write {small_fs / 'notes.md'}: the file system is read-only"


def test_a_full_disk_keeps_the_old_export(small_fs, cli, people):
    target = small_fs / "contacts.json"
    target.write_text("the old export\n")
    try:
        with open(small_fs / "filler", "wb") as f:
            while True:
                f.write(b"\0" * 1024)
                f.flush()
    except OSError:
        pass  # full: the close flushed what fitted
    r = cli("export", "json", "-o", str(target))
    assert r.exit_code == 1
    assert r.output.strip() == (f"namecards: cannot write {target}: the disk is full "
                                "(the old file is untouched)")
    assert target.read_text() == "the old export\n"
    assert sorted(p.name for p in small_fs.iterdir()) == ["contacts.json", "filler"]
