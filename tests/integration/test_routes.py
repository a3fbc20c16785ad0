"""A snapshot of every URL the site answers: removing or adding one is a deliberate act.

When you add or remove a route on purpose, update tests/integration/routes.txt to match.
"""

from pathlib import Path

SNAPSHOT = Path(__file__).with_name("routes.txt")


def route_lines(app) -> list[str]:
    lines = []
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        lines.append(f"{rule.rule} {methods} {rule.endpoint}")
    return sorted(lines)


def test_the_route_list_matches_the_snapshot(app):
    assert route_lines(app) == SNAPSHOT.read_text().split("\n")[:-1]
