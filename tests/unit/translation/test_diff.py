"""The word diff a reviewer sees between two English texts."""

from alliance.translation.diff import has_changes, word_diff


def test_the_diff_marks_added_and_removed_words_and_keeps_the_rest():
    pieces = word_diff("Do the test at home.", "Do the kit test at home today.")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "Do the "),
        ("added", "kit "),
        ("same", "test at "),
        ("removed", "home."),
        ("added", "home today."),
    ]
    assert has_changes(pieces)


def test_joining_the_pieces_that_are_not_removed_gives_the_new_text():
    before, after = "One two three.\n\nFour five.", "One three.\n\nFour five six."
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.kind != "removed") == after
    assert "".join(p.text for p in pieces if p.kind != "added") == before


def test_the_same_text_has_no_changes():
    assert not has_changes(word_diff("Same words.", "Same words."))
