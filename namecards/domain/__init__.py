"""The domain layer: contacts, notes and talking points, events, companies and their
dossiers, questions, practice answers, the drill deck, merging and matching, letters."""
