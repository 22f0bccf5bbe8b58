"""The Textual app: screens and widgets over namecards' API (no SQL, no Tesseract here)."""
