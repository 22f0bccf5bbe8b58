import json


def test_due_counts_cards_of_people_met_nowhere_and_at_events(cli):
    assert cli("add", "--name", "Ana Met Nowhere").exit_code == 0
    assert cli("event", "add", "Fair", "--date", "2026-11-20").exit_code == 0
    assert cli("add", "--name", "Bo At The Fair", "--event", "Fair").exit_code == 0
    r = cli("due", "--json")
    assert r.exit_code == 0, r.output
    groups = {g["event"]: g for g in json.loads(r.output)["events"]}
    assert groups[None]["drills_due"] == 2 and groups["Fair"]["drills_due"] == 2
    assert [f["full_name"] for f in groups["Fair"]["follow_ups"]] == ["Bo At The Fair"]
