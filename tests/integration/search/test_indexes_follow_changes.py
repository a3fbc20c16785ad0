"""The site-wide search follows staff edits at once: a change to a trial or a genetics record bumps its index."""

import re
from pathlib import Path

from sqlalchemy import select

from alliance.genetics import upkeep as genetics_upkeep
from alliance.genetics.models import GeneticsService
from alliance.genetics.services import seed_genetics
from alliance.trials import services as trials_services
from alliance.trials import upkeep as trials_upkeep
from alliance.trials.models import Trial

CONTENT = Path(__file__).resolve().parents[3] / "content"


def section(client, url: str, group: str) -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(rf'id="{group}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def test_a_trial_staff_mark_completed_leaves_the_site_search_at_once(app, client, session):
    area = trials_services.area_from_config(app.config, CONTENT)
    trials_services.import_studies(session, trials_services.studies_in(CONTENT / "trials"), area)
    session.commit()
    assert "glioma" in section(client, "/en/search?q=glioma", "trials")
    trial = session.scalar(select(Trial).where(Trial.title.contains("glioma")))
    trials_upkeep.edit_trial(session, trial.id, trial.title, trial.summary, "COMPLETED")
    session.commit()
    assert section(client, "/en/search?q=glioma", "trials") == ""


def test_a_genetics_service_staff_rename_is_found_by_its_new_name(client, session):
    seed_genetics(session, CONTENT)
    assert section(client, "/en/search?q=Tinsley", "genetics") == ""
    service = session.scalar(select(GeneticsService).where(GeneticsService.kind == "clinical-genetics"))
    values = {name: getattr(service, name) for name in genetics_upkeep.SERVICE_FIELDS}
    genetics_upkeep.edit_service(session, service.id, {**values, "name": "Tinsley Genetics Service"})
    session.commit()
    assert "Tinsley Genetics Service" in section(client, "/en/search?q=Tinsley", "genetics")
