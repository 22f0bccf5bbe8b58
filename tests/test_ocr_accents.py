"""Accent restoration from the image: rendered words, no Tesseract needed."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.accents import restore_eszett, restore_word

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
]


def render(word: str, font: str, size: int = 56) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    f = ImageFont.truetype(font, size)
    img = Image.new("L", (size * len(word), size * 2), 255)
    d = ImageDraw.Draw(img)
    d.text((10, size // 2), word, font=f, fill=0)
    left, top, right, bottom = d.textbbox((10, size // 2), word, font=f)
    return np.asarray(img), (left, top, right - left, bottom - top)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize(
    "printed,read",
    [
        ("López", "Lopez"),
        ("Zoë", "Zoe"),
        ("Hélène", "Heléne"),
        ("Castañeda", "Castaneda"),
        ("JÖRG", "JORG"),
        ("Sjöberg", "Sjoberg"),
        ("Íñigo", "Inigo"),
        ("Jürgen", "Jiirgen"),
        ("François", "Francois"),
        ("Schröder", "Schr6der"),
        ("Gonçalves", "Goncalves"),
        ("Martínez", "Martinez"),
    ],
)
def test_marks_put_back(font, printed, read):
    gray, box = render(printed, font)
    assert restore_word(gray, box, read)[0] == printed


@pytest.mark.parametrize(
    "word",
    ["Robotics", "Office", "Martin", "Jiri", "Acme", "OLIVER", "Engineer", "Curitiba", "8am-6pm"],
)
def test_plain_words_unchanged(word):
    gray, box = render(word, FONTS[0])
    assert restore_word(gray, box, word) == (word, 0)


def test_eszett():
    assert restore_eszett("GroB") == "Groß"
    assert restore_eszett("HauptstraBe") == "Hauptstraße"
    assert restore_eszett("BOB") == "BOB" and restore_eszett("McBride") == "McBride"


def test_ampersand_inside_or_after_a_lowercase_word_is_eszett():
    assert restore_eszett("Hauptstra&e") == "Hauptstraße"
    assert restore_eszett("Gro&,") == "Groß,"
    assert restore_eszett("R&D") == "R&D" and restore_eszett("AT&T") == "AT&T"
