import pytest

from alliance.datafiles import MAX_JSON_DEPTH, CsvRows, DataFileError, load_json


def test_json_nested_exactly_to_the_limit_is_read_and_one_level_more_is_refused():
    assert load_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(DataFileError, match="nested more than 64 levels deep"):
        load_json('{"a": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}")


def test_json_errors_name_the_line_and_column():
    with pytest.raises(DataFileError, match=r"not valid JSON \(line 2, column 1\)"):
        load_json('{"a": 1,\n}')
    with pytest.raises(DataFileError, match="not UTF-8 text"):
        load_json(b'"\xff\xff\xff"')


def test_a_csv_header_or_row_past_the_field_limit_names_the_file_and_line():
    with pytest.raises(DataFileError, match=r"^a.csv line 1: a field is longer than 131,072 characters$"):
        CsvRows("x" * 200_000 + "\n", "a.csv")
    rows = CsvRows("a,b\n1,2\n3," + "y" * 200_000 + "\n", "b.csv")
    assert rows.fieldnames == ["a", "b"]
    read = []
    with pytest.raises(DataFileError, match=r"^b.csv line 3: a field is longer"):
        for row in rows:
            read.append(row)
    assert read == [{"a": "1", "b": "2"}]
