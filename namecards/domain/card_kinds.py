"""Every kind of drill card, registered with the deck: the person's cards (name, who-is,
point, points) are the deck's own; company facts come from the dossier and practised answers
from practice. Import this module before drilling; a new card kind adds its module here."""

from namecards.domain import deck, dossier, practice  # noqa: F401 (they register their kinds)

__all__ = ["deck"]
