from werkzeug.datastructures import LanguageAccept

from alliance import i18n

OFFERED = ["en", "ar", "bn", "ckb", "pl", "pa", "ro", "sk", "so", "zh", "ur"]


def test_the_registry_offers_english_and_ten_community_languages_three_of_them_right_to_left():
    assert list(i18n.REGISTRY) == OFFERED
    assert {code for code, lang in i18n.REGISTRY.items() if lang.rtl} == {"ar", "ckb", "ur"}


def test_every_language_is_named_in_itself():
    assert i18n.REGISTRY["ur"].name == "اردو"
    assert i18n.REGISTRY["pl"].name == "Polski"
    assert i18n.REGISTRY["zh"].html_lang == "zh-Hans"


def test_negotiation_matches_a_regional_variant_to_its_language():
    assert i18n.negotiate(LanguageAccept([("ur-PK", 1.0), ("en", 0.5)]), OFFERED) == "ur"
    assert i18n.negotiate(LanguageAccept([("zh-CN", 1.0)]), OFFERED) == "zh"


def test_negotiation_prefers_the_highest_quality_offered_language():
    assert i18n.negotiate(LanguageAccept([("fr", 1.0), ("pl", 0.4), ("ro", 0.8)]), OFFERED) == "ro"


def test_negotiation_falls_back_to_english():
    assert i18n.negotiate(LanguageAccept([("fr", 1.0), ("de", 0.9)]), OFFERED) == "en"
    assert i18n.negotiate(LanguageAccept([]), OFFERED) == "en"


def test_a_language_code_is_named_in_english_and_in_itself_and_an_unknown_code_stays_as_it_is():
    from alliance.i18n import name_in_words

    assert name_in_words("en") == "English"
    assert name_in_words("pl") == "Polish (Polski)"
    assert name_in_words("zh") == "Chinese (Simplified) (简体中文)"
    assert name_in_words("xx") == "xx"
