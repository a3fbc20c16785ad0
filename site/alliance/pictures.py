"""Pictures for Easy Read: the Health Icons (npm package `healthicons`, MIT licence) staff may use.

Staff pick a picture by its name in Markdown, `![alt text](icon:doctor)`. Only the pictures named here
are copied from node_modules into static/icons at build time (`flask assets build`, `flask deploy`) and
served from the site's own static files with the other assets' long caching. A name that is not here
is refused by content validation, so a page never points at a picture the site does not serve.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

HEALTHICONS = Path("node_modules/healthicons/public/icons/svg/outline")
HEALTHICONS_LICENCE = Path("node_modules/healthicons/LICENSE")
# Under static/: where the pictures are served from, and the only place content images may point.
STATIC_FOLDER = "icons"
LICENCE_NAME = "Health Icons (healthicons.org), MIT licence, copyright (c) 2021 Resolve to Save Lives"
ICON_PREFIX = "icon:"
# The marker that lets a picture have empty alt text: `![](icon:people "decorative")`.
DECORATIVE = "decorative"

# The name staff write -> the icon's path in Health Icons (category/id). Keep the list short and plain:
# content/README.md shows it to authors.
PICTURES = {
    "alert": "symbols/alert_triangle",
    "ambulance": "vehicles/ambulance",
    "blood": "body/blood_drop",
    "bowel": "body/intestine",
    "breasts": "body/breasts",
    "calendar": "objects/calendar",
    "cervix": "body/female_reproductive_system",
    "chat": "symbols/communication",
    "clinic": "places/ambulatory_clinic",
    "cough": "emotions/coughing",
    "doctor": "people/doctor",
    "elderly": "people/elderly",
    "happy": "emotions/happy",
    "home": "places/home",
    "hospital": "places/hospital",
    "info": "symbols/info",
    "letter": "objects/i_certificate_paper",
    "lungs": "body/lungs",
    "man": "people/man",
    "mobile": "devices/mobile",
    "no": "symbols/no",
    "nurse": "people/nurse",
    "people": "people/people",
    "phone": "objects/phone",
    "phone-advice": "symbols/medical_advice",
    "question": "symbols/question_circle",
    "sample": "devices/medical_sample",
    "scan": "devices/xray",
    "search": "symbols/magnifying_glass",
    "smoking": "symbols/smoking",
    "stethoscope": "devices/stethoscope",
    "test-tubes": "devices/test_tubes",
    "tired": "emotions/sleepy",
    "weight": "devices/weight",
    "woman": "people/woman",
    "worried": "emotions/nervous",
    "yes": "symbols/yes",
}
NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def static_path(name: str) -> str:
    """The picture's file under static/, e.g. icons/doctor.svg."""
    return f"{STATIC_FOLDER}/{name}.svg"


def known(name: str) -> bool:
    return name in PICTURES


def build(project_root: Path, static: Path) -> list[str]:
    """Copy the listed pictures and the licence into static/icons (ignored by git)."""
    source = project_root / HEALTHICONS
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run `npm ci` first")
    target = static / STATIC_FOLDER
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, path in PICTURES.items():
        shutil.copy2(source / f"{path}.svg", target / f"{name}.svg")
    shutil.copy2(project_root / HEALTHICONS_LICENCE, target / "LICENSE.txt")
    return [str(p.relative_to(static)) for p in sorted(target.iterdir())]


def _images(body: str):
    from markdown_it import MarkdownIt

    for block in MarkdownIt("commonmark").enable("table").parse(body):
        for token in block.children or []:
            if token.type == "image":
                yield token


def problems(body: str) -> list[str]:
    """What is wrong with the pictures in a page's Markdown: a picture from anywhere but the site's
    Health Icons, an unknown picture name, or a picture without alt text that is not marked decorative."""
    found = []
    for token in _images(body):
        src = str(token.attrGet("src") or "")
        alt = "".join(child.content for child in token.children or []).strip()
        decorative = str(token.attrGet("title") or "").strip().lower() == DECORATIVE
        if not src.startswith(ICON_PREFIX):
            found.append(
                f"the picture '{alt or src}' is not one of the site's own pictures: write ![alt text](icon:NAME) "
                "with a name from content/README.md (pictures from other websites are not allowed)"
            )
            continue
        name = src[len(ICON_PREFIX) :]
        if not known(name):
            found.append(
                f"there is no picture called '{name}': use a name from the list in content/README.md"
            )
        elif not alt and not decorative:
            found.append(
                f"the picture '{name}' has no alt text: say what it shows, ![a doctor](icon:{name}), or if it "
                f'is only decoration mark it ![](icon:{name} "decorative")'
            )
    return found
