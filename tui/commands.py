"""Command palette: the main actions (as system commands) and jumping to any contact by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from namecards.domain.contacts import list_contacts


class ContactCommands(Provider):
    """Type part of a name to open that person in the contacts screen."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for row in list_contacts(self.app.store):
            label = row["full_name"] + (f" — {row['company']}" if row["company"] else "")
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self.app.open_contact, row["id"]),
                          help="Open this contact")

    async def discover(self) -> Hits:
        for row in list_contacts(self.app.store)[:10]:
            yield DiscoveryHit(row["full_name"], partial(self.app.open_contact, row["id"]),
                               help="Open this contact")
