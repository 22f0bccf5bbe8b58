"""The three packages point one way: ocr knows nothing of namecards or textual; namecards
(but its CLI, lazily) never imports textual."""

import subprocess
import sys


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_ocr_loads_neither_namecards_nor_textual():
    mods = loaded_after("import ocr")
    assert "namecards" not in mods and "textual" not in mods and "tui" not in mods


def test_namecards_core_and_cli_start_without_textual():
    mods = loaded_after(
        "import namecards, namecards.store, namecards.domain.contacts, namecards.domain.deck, "
        "namecards.services.scanning, namecards.services.followup, namecards.cli"
    )
    assert "textual" not in mods and "tui" not in mods
