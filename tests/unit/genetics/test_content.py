import json
import shutil
from pathlib import Path

import pytest

from alliance.genetics.services import GeneticsContentError, load_content

CONTENT = Path(__file__).resolve().parents[3] / "content"
LOCALITIES = {"barnsley", "bassetlaw", "doncaster", "rotherham", "sheffield", "north-derbyshire"}


@pytest.fixture
def content(tmp_path):
    shutil.copytree(CONTENT / "genetics", tmp_path / "genetics")
    return tmp_path


def edit(content: Path, name: str, change) -> None:
    path = content / "genetics" / f"{name}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_the_real_content_lists_every_required_directory_test():
    codes = {test["code"] for test in load_content(CONTENT)["tests"]["tests"]}
    assert {"R207", "R208", "R210", "R211", "R430", "R444"} <= codes
    kinds = {test["code"]: test["kind"] for test in load_content(CONTENT)["tests"]["tests"]}
    assert [code for code, kind in kinds.items() if kind == "tumour"], "no tumour MMR test"


def test_every_quotation_names_where_it_was_checked_and_every_summary_says_it_is_not_a_quotation():
    for test in load_content(CONTENT)["tests"]["tests"]:
        if test["wording_status"] == "quotation-checked":
            assert test["checked_against_url"].startswith("https://"), test["code"]
            assert test["checked_on"], test["code"]
        else:
            assert "not a quotation" in test["wording"].lower(), test["code"]
            assert "check the current directory" in test["wording_note"].lower(), test["code"]


def test_every_locality_has_a_clinical_genetics_service_and_a_laboratory_hub():
    services = load_content(CONTENT)["services"]["services"]
    for kind in ("clinical-genetics", "laboratory-hub"):
        assert {s["locality"] for s in services if s["kind"] == kind} == LOCALITIES


def test_every_phone_number_is_marked_as_example_data_with_a_note():
    for service in load_content(CONTENT)["services"]["services"]:
        if service["phone"]:
            assert service["example_data"] is True, service["key"]
            assert "example data" in service["verification_note"].lower(), service["key"]


def test_a_quotation_without_a_checked_source_is_refused(content):
    def unsource(data):
        data["tests"][2]["checked_against_url"] = None

    edit(content, "tests", unsource)
    with pytest.raises(GeneticsContentError, match="checked_against_url"):
        load_content(content)


def test_a_summary_that_does_not_say_it_is_not_a_quotation_is_refused(content):
    edit(content, "tests", lambda data: data["tests"][0].update(wording="Breast cancer criteria."))
    with pytest.raises(GeneticsContentError, match="not a quotation"):
        load_content(content)


def test_a_service_that_does_not_say_whether_it_is_example_data_is_refused(content):
    edit(content, "services", lambda data: data["services"][0].pop("example_data"))
    with pytest.raises(GeneticsContentError, match="example data"):
        load_content(content)


def test_a_bad_review_date_and_a_missing_file_are_refused(content):
    edit(content, "guide", lambda data: data["review"].update(last_reviewed="23/11/2026"))
    with pytest.raises(GeneticsContentError, match="not a date"):
        load_content(content)
    (content / "genetics" / "guide.json").unlink()
    with pytest.raises(GeneticsContentError, match="missing"):
        load_content(content)


def _test(code: str) -> dict:
    return next(test for test in load_content(CONTENT)["tests"]["tests"] if test["code"] == code)


def test_r430_says_ashkenazi_jewish_ancestry_counts_only_together_with_prostate_cancer():
    record = _test("R430")
    assert "Ashkenazi Jewish ancestry and prostate cancer" in record["wording"]
    summary = record["summary"]
    assert "prostate cancer and Ashkenazi Jewish ancestry" in summary
    assert "Ancestry alone, without prostate cancer, is not a reason" in summary
    assert "or who have Ashkenazi Jewish ancestry" not in summary


@pytest.mark.parametrize("code", ["M1.4", "M215.2"])
def test_the_tumour_test_codes_do_not_claim_to_be_the_universal_tumour_testing_of_every_new_cancer(code):
    summary = _test(code)["summary"]
    assert not summary.startswith("Everyone newly diagnosed")
    assert "mismatch repair pathway" in summary and "not this test alone" in summary


def test_every_checked_quotation_says_whose_copy_of_the_directory_it_comes_from():
    for test in load_content(CONTENT)["tests"]["tests"]:
        assert "directory_version" in test and "directory_date" in test, test["code"]
        if test["wording_status"] == "quotation-checked":
            assert test["quoted_from"].strip(), test["code"]
    assert _test("R430")["quoted_from"] == "South East Genomics"
    assert _test("M1.4")["quoted_from"] == "East Genomics"


def test_a_checked_quotation_without_whose_copy_it_is_is_refused(content):
    def drop(data):
        del next(t for t in data["tests"] if t["code"] == "R430")["quoted_from"]

    edit(content, "tests", drop)
    with pytest.raises(GeneticsContentError, match="R430: a checked quotation needs quoted_from"):
        load_content(content)
