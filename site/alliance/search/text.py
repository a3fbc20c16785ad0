"""Language-aware analysis, synonyms, query building and "did you mean", shared by every index."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from whoosh import query as wq
from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    Filter,
    LanguageAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.lang import has_stemmer, has_stopwords, stopwords_for_language

# Words, or single CJK characters (Chinese has no spaces between words).
TOKEN_PATTERN = r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+(?:['’][^\W_]+)?"


@lru_cache(maxsize=32)
def analyzer(stemmer: str | None) -> Analyzer:
    """Stemming where Whoosh has a stemmer for the language, plain tokens otherwise."""
    if stemmer and has_stemmer(stemmer):
        return LanguageAnalyzer(stemmer, expression=TOKEN_PATTERN)
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()


class _QueryNoise(Filter):
    """Leaves out English stop words and single Latin letters, but keeps single letters of other
    scripts: a Chinese character, or a Bengali syllable the tokenizer split at a vowel sign."""

    def __call__(self, tokens):
        for token in tokens:
            if token.text in STOP_WORDS or (len(token.text) == 1 and token.text.isascii()):
                continue
            yield token


def query_analyzer_for_any_language() -> Analyzer:
    """Reads a query against a field indexed with analyzer(None), in whatever language it is typed."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | _QueryNoise()


def spelling_analyzer() -> Analyzer:
    """Unstemmed words for "did you mean": fuzzy matching on stems finds nothing useful."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(minsize=3)


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in re.finditer(TOKEN_PATTERN, text)]


@lru_cache(maxsize=8)
def _load_synonyms(path: str, mtime: float) -> dict[str, list[list[tuple[str, ...]]]]:
    groups: dict[str, list[list[tuple[str, ...]]]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        lang, _sep, terms = line.partition(":")
        group = [tuple(words(term)) for term in terms.split(",") if words(term)]
        if len(group) > 1:
            groups.setdefault(lang.strip(), []).append(group)
    return groups


def synonyms(path: Path, lang: str) -> list[list[tuple[str, ...]]]:
    """Groups of equivalent phrases for a language (each phrase a tuple of words)."""
    if not path.exists():
        return []
    return _load_synonyms(str(path), path.stat().st_mtime).get(lang, [])


SYNONYM_WEIGHT = 0.6  # the reader's own words rank above the other words of their synonym group


def _units(
    tokens: list[str], groups: list[list[tuple[str, ...]]]
) -> list[tuple[list[tuple[str, ...]], tuple]]:
    """Split the query into units, each (its phrases, the words the reader typed); a unit matching a
    synonym phrase becomes that whole group."""
    index = {}
    for group in groups:
        for phrase in group:
            index.setdefault(phrase, group)
    longest = max((len(p) for p in index), default=1)
    units, i = [], 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            phrase = tuple(tokens[i : i + size])
            if phrase in index:
                units.append((index[phrase], phrase))
                i += size
                break
        else:
            units.append(([(tokens[i],)], (tokens[i],)))
            i += 1
    return units


class _Or(wq.Or):
    """Whoosh's Or, always matched as a tree of unions. For indexes under 5,000 documents Whoosh would
    otherwise pre-read scores into a 2,048-slot array per Or and clear it per block, which for the
    pages' small indexes cost more than the search itself. The documents and scores are the same."""

    matcher_type = wq.Or.DEFAULT_MATCHER


def _alternative(
    phrase: tuple[str, ...],
    fields: dict[str, float],
    field_analyzer: Analyzer,
    weight: float = 1.0,
    analyzers: dict[str, Analyzer] | None = None,
) -> wq.Query | None:
    per_field = []
    for name, field_boost in fields.items():
        boost = field_boost * weight
        analyzer = (analyzers or {}).get(name, field_analyzer)
        terms = [token.text for token in analyzer(" ".join(phrase))]
        if not terms:
            continue
        if len(terms) == 1:
            per_field.append(wq.Term(name, terms[0], boost=boost))
        else:
            per_field.append(wq.Phrase(name, terms, boost=boost))
    return _Or(per_field) if per_field else None


def build_query(
    text: str,
    fields: dict[str, float],
    field_analyzer: Analyzer,
    groups: list,
    match_all: bool = True,
    analyzers: dict[str, Analyzer] | None = None,
) -> wq.Query | None:
    """A query over `fields` (name: boost) where every word (or synonym) must match, or any with
    match_all=False. `analyzers` names the fields indexed with another analyzer than `field_analyzer`."""
    units = []
    for unit, typed in _units(words(text), groups):
        weighted = (
            _alternative(p, fields, field_analyzer, 1.0 if p == typed else SYNONYM_WEIGHT, analyzers)
            for p in unit
        )
        alternatives = [q for q in weighted if q is not None]
        if alternatives:
            units.append(_Or(alternatives))
    if not units:
        return None
    return wq.And(units) if match_all else _Or(units)


MIN_SUGGESTION = 4  # shorter words are acronyms or fragments ("tya", "ct"): the synonyms list covers them
MAX_TRIES = 8


def is_stop_word(word: str, lang: str = "en") -> bool:
    return word in STOP_WORDS or (has_stopwords(lang) and word in stopwords_for_language(lang))


def _known(word: str, vocabularies: list[tuple[object, str]]) -> bool:
    return any(searcher.reader().frequency(field, word) for searcher, field in vocabularies)


def _corrections(word: str, sources: list[tuple[object, str]], lang: str) -> list[str]:
    """Close words of useful length from the sources' vocabularies, nearest first."""
    found: list[str] = []
    for searcher, field in sources:
        for candidate in searcher.corrector(field).suggest(word, limit=3, maxdist=2, prefix=1):
            if (
                candidate != word
                and len(candidate) >= MIN_SUGGESTION
                and not candidate.isdigit()
                and not is_stop_word(candidate, lang)
                and not is_stop_word(candidate)
                and candidate not in found
            ):
                found.append(candidate)
    return found


def suggest_from(
    sources: list[tuple[object, str]],
    known: list[tuple[object, str]],
    text: str,
    *,
    lang: str = "en",
    works: Callable[[str], bool] | None = None,
    extra_known: frozenset[str] = frozenset(),
) -> str | None:
    """A corrected query: each word of four letters or more found in none of the `known` (searcher,
    field) vocabularies is replaced by a close word from the `sources` vocabularies (titles, names).
    With `works`, only a correction it accepts (one that finds something) is offered."""
    options: list[list[str]] = []
    for word in words(text):
        if (
            len(word) < MIN_SUGGESTION
            or word.isdigit()
            or is_stop_word(word, lang)
            or word in extra_known
            or _known(word, known)
        ):
            options.append([word])
            continue
        options.append(_corrections(word, sources, lang) or [word])
    if all(len(option) == 1 and option[0] == word for option, word in zip(options, words(text), strict=True)):
        return None
    for tries, combination in enumerate(itertools.product(*options)):
        if tries >= MAX_TRIES:
            break
        candidate = " ".join(combination)
        if candidate == " ".join(words(text)):
            continue
        if works is None or works(candidate):
            return candidate
    return None


def suggest(searcher, field: str, text: str, lang: str = "en") -> str | None:
    """A corrected query when a word is not in the index and a close one of useful length is."""
    return suggest_from([(searcher, field)], [(searcher, field)], text, lang=lang)


def synonym_words(groups: list) -> frozenset[str]:
    """Every word of every synonym phrase: a reader using one is not misspelling anything."""
    return frozenset(word for group in groups for phrase in group for word in phrase)


def expanded_words(text: str, groups: list) -> list[str]:
    """The reader's words with their synonyms, for highlighting matches in a snippet."""
    found = []
    for unit, _typed in _units(words(text), groups):
        for phrase in unit:
            found.append(" ".join(phrase))
    return sorted(set(found), key=len, reverse=True)


def snippet(body: str, terms: list[str], width: int = 200) -> Markup:
    """A short passage around the first match, matches marked; the start of the text when none match."""
    if not terms:
        return Markup(escape(body[:width]))
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    first = pattern.search(body)
    start = max(0, first.start() - width // 3) if first else 0
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    passage = body[start : start + width]
    marked = pattern.sub(lambda m: f"\x00{m.group(0)}\x01", passage)
    html = str(escape(marked)).replace("\x00", '<mark class="app-search-match">').replace("\x01", "</mark>")
    return Markup(("…" if start else "") + html + ("…" if start + width < len(body) else ""))
