"""The Easy Read pictures: only the listed Health Icons are copied, with their licence."""

from pathlib import Path

from alliance import pictures

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_picture_exists_in_the_installed_healthicons_package():
    source = ROOT / pictures.HEALTHICONS
    missing = [name for name, path in pictures.PICTURES.items() if not (source / f"{path}.svg").is_file()]
    assert not missing


def test_the_build_copies_only_the_listed_pictures_and_the_mit_licence(tmp_path):
    copied = pictures.build(ROOT, tmp_path)
    expected = {pictures.static_path(name) for name in pictures.PICTURES} | {"icons/LICENSE.txt"}
    assert set(copied) == expected
    assert (tmp_path / "icons/LICENSE.txt").read_text().startswith("MIT License")
    assert (tmp_path / "icons/doctor.svg").read_text().startswith("<svg")


def test_picture_names_are_plain_lowercase_words():
    assert all(pictures.NAME.match(name) for name in pictures.PICTURES)


def test_the_problems_with_pictures_name_each_one():
    found = pictures.problems("![](icon:doctor) a\n\n![x](https://e.org/x.png) b\n\n![y](icon:nope) c")
    assert len(found) == 3
    assert pictures.problems('![A doctor](icon:doctor) a\n\n![](icon:people "decorative") b') == []
