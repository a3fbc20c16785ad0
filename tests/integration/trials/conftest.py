from pathlib import Path

import pytest

from alliance.trials import services

ROOT = Path(__file__).resolve().parents[3]
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def nct(number: int) -> str:
    """The registry id of seed study number `number` (content/trials/studies.json)."""
    return f"NCT0999{number:04d}"


@pytest.fixture
def area(app):
    return services.area_from_config(app.config, CONTENT)


@pytest.fixture
def seeded_trials(session, area):
    report = services.import_studies(session, services.studies_in(CONTENT / "trials"), area)
    session.commit()
    return report
