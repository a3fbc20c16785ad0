"""Detection of personal data and safeguarding concerns in free-text answers, and redaction rules."""

import json

import pytest

from alliance.surveys.moderation_terms import SAFEGUARDING_FILE, ModerationError
from alliance.surveys.normalising import normalise
from alliance.surveys.personal_data import find_personal_data, segments
from alliance.surveys.redaction import is_redaction_of, redact
from alliance.surveys.safeguarding import flag_safeguarding, flags_for

LANGUAGES = ("en", "ar", "bn", "ckb", "pa", "pl", "ro", "sk", "so", "ur", "zh")


def found(text, lang="en"):
    return [(span.kind, span.text) for span in find_personal_data(text, lang)]


# NHS numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "401 023 2137", "4010232137"])
def test_an_nhs_number_with_a_valid_check_digit_is_found(number):
    assert found(f"My number is {number} thanks") == [("nhs_number", number)]


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "401 023 2138", "1234567890"])
def test_ten_digits_whose_check_digit_is_wrong_are_not_an_nhs_number(number):
    assert ("nhs_number", number) not in found(f"Reference {number}")


def test_a_number_whose_check_digit_would_be_ten_is_never_valid():
    # 1*10 + 1*2 = 12 leaves a remainder of 1, so the check digit would be 10.
    assert found("1000000010 and 1000000019") == []


# Phone numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "0114 496 0000",
        "0114-496-0000",
        "(0114) 496 0000",
        "020 7946 0000",
        "0800 123 4567",
    ],
)
def test_uk_phone_numbers_in_their_usual_written_forms_are_found(phone):
    assert found(f"Call {phone} today") == [("phone", phone)]


@pytest.mark.parametrize(
    "text", ["Call 999", "The 2024 survey had 12345 replies", "Ward 0 bed 12", "+33 1 23 45 67 89"]
)
def test_short_or_foreign_numbers_are_not_uk_phone_numbers(text):
    assert [kind for kind, _ in found(text)] == []


def test_digits_in_other_scripts_count_and_the_span_points_at_the_original_text():
    text = "میرا فون ۰۷۷۰۰ ۹۰۰۱۲۳ ہے"
    assert found(text, "ur") == [("phone", "۰۷۷۰۰ ۹۰۰۱۲۳")]
    assert found("আমার নম্বর ০৭৭০০৯০০১২৩", "bn") == [("phone", "০৭৭০০৯০০১২৩")]


# Emails and postcodes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["jane.doe@example.com", "j_smith+nhs@mail.example.co.uk"])
def test_email_addresses_are_found(email):
    assert found(f"Write to {email}.") == [("email", email)]


def test_an_email_beside_chinese_text_does_not_swallow_the_chinese():
    assert found("我的邮箱是li@example.cn谢谢", "zh") == [("email", "li@example.cn")]


@pytest.mark.parametrize("postcode", ["S10 2TN", "s10 2tn", "DN22 7XF", "S102TN", "EC1A 1BB", "W1A 0AX"])
def test_full_uk_postcodes_are_found(postcode):
    assert found(f"I live at {postcode} near the park") == [("postcode", postcode)]


@pytest.mark.parametrize("text", ["I live in S10", "Room B12 on floor 3", "It took 2 weeks", "Form SR1 2024"])
def test_outcodes_and_codes_that_are_not_full_postcodes_are_not_found(text):
    assert found(text) == []


# Names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "name"),
    [
        ("en", "Hello, my name is Jane Smith and I was treated in Sheffield.", "Jane Smith"),
        ("en", "my name is jane and I waited", "jane"),
        ("en", "My name's Ali.", "Ali"),
        ("pl", "Nazywam się Anna Kowalska i czekałam długo.", "Anna Kowalska"),
        ("pl", "Mam na imię Piotr.", "Piotr"),
        ("ur", "میرا نام احمد ہے اور میں شیفیلڈ میں رہتا ہوں", "احمد"),
        ("ar", "اسمي فاطمة وأنا من روثرهام", "فاطمة"),
        ("bn", "আমার নাম রহিম", "রহিম"),
        ("pa", "ਮੇਰਾ ਨਾਮ ਹਰਪ੍ਰੀਤ ਹੈ", "ਹਰਪ੍ਰੀਤ"),
        ("ro", "Mă numesc Ion Popescu.", "Ion Popescu"),
        ("sk", "Volám sa Peter.", "Peter"),
        ("so", "Magacaygu waa Cali.", "Cali"),
        ("zh", "我叫李明，我住在谢菲尔德。", "李明"),
        ("ckb", "ناوم ئاراس", "ئاراس"),
    ],
)
def test_names_after_my_name_is_are_found_in_each_language(lang, text, name):
    assert ("name", name) in found(text, lang)


def test_the_verb_after_an_urdu_name_is_not_part_of_it():
    assert found("میرا نام احمد ہے", "ur") == [("name", "احمد")]


def test_ordinary_answers_hold_no_personal_data():
    assert found("The nurses were kind. Waiting 2 weeks for results was hard. Parking cost £4.") == []
    assert found("Pielęgniarki były miłe, ale czekałam 3 tygodnie.", "pl") == []


def test_segments_cut_the_text_around_each_span():
    text = "Ring 07700 900123 now"
    pieces = segments(text, find_personal_data(text, "en"))
    assert [(piece, span.kind if span else None) for piece, span in pieces] == [
        ("Ring ", None),
        ("07700 900123", "phone"),
        (" now", None),
    ]


# Safeguarding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "concern"),
    [
        ("en", "Some days I want to kill myself.", "self_harm"),
        ("en", "I've been SELF-HARMING again", "self_harm"),
        ("en", "I don’t want to live like this", "self_harm"),
        ("en", "I'm scared of my partner, he hits me", "abuse"),
        ("en", "I had an urgent referral in May and nobody has called me back", "urgent_referral_delay"),
        ("ur", "میں خودکشی کے بارے میں سوچتا ہوں", "self_harm"),
        ("ur", "میرا شوہر مجھے مارتا ہے", "abuse"),
        ("ar", "أفكر في الانتحار", "self_harm"),
        ("ar", "زوجي يضربني كل يوم", "abuse"),
        ("ar", "لدي إحالة عاجلة ولم يتصل بي أحد", "urgent_referral_delay"),
        ("ckb", "دەمەوێت خۆم بکوژم", "self_harm"),
        ("pl", "Nie chcę żyć", "self_harm"),
        ("pl", "nie chce zyc", "self_harm"),
        ("pl", "Mąż bije mnie", "abuse"),
        ("pl", "Miałam pilne skierowanie i nikt nie oddzwonił", "urgent_referral_delay"),
        ("ro", "Vreau să mor", "self_harm"),
        ("sk", "Nechcem žiť", "self_harm"),
        ("so", "Waxaan doonayaa inaan is dilo", "self_harm"),
        ("bn", "আমি আত্মহত্যা করতে চাই", "self_harm"),
        ("pa", "ਮੈਂ ਖੁਦਕੁਸ਼ੀ ਬਾਰੇ ਸੋਚਦਾ ਹਾਂ", "self_harm"),
        ("zh", "我不想活了", "self_harm"),
        ("zh", "我的转诊很紧急，没有人给我回电话", "urgent_referral_delay"),
        ("pl", "I want to end my life", "self_harm"),  # English in a Polish survey
    ],
)
def test_safeguarding_phrases_are_flagged_in_each_language(lang, text, concern):
    assert concern in flag_safeguarding(text, lang)


@pytest.mark.parametrize(
    ("lang", "text", "concern"),
    [
        ("en", "I am scared and I don't know who to ask", "distress"),
        ("en", "Nobody is helping me at home since the operation", "distress"),
        ("en", "I can't cope with the treatment", "distress"),
        ("en", "He hurts me when I ask for help", "abuse"),
        ("en", "Sometimes I want to end it", "self_harm"),
        ("ar", "أنا خائفة ولا أحد يساعدني في البيت", "distress"),
        ("bn", "বাড়িতে কেউ আমাকে সাহায্য করছে না", "distress"),
        ("ckb", "کەس لە ماڵەوە یارمەتیم نادات", "distress"),
        ("pa", "ਮੈਨੂੰ ਡਰ ਲੱਗਦਾ ਹੈ", "distress"),
        ("pl", "Nikt mi nie pomaga w domu i nie daję rady", "distress"),
        ("ro", "Nimeni nu mă ajută acasă", "distress"),
        ("sk", "Doma mi nikto nepomáha", "distress"),
        ("so", "Qofna iguma caawiyo guriga", "distress"),
        ("ur", "گھر میں کوئی میری مدد نہیں کر رہا", "distress"),
        ("zh", "家里没有人帮我，我很害怕", "distress"),
    ],
)
def test_a_safeguarding_leads_usual_wording_is_flagged_in_every_language(lang, text, concern):
    assert concern in flag_safeguarding(text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The nurses were kind. Waiting for results was hard."),
        ("en", "The news hit me hard, but the team explained everything."),
        ("en", "I had an urgent referral and was seen within a week."),
        ("en", "Still waiting for parking to improve."),
        ("pl", "Pielęgniarki były bardzo miłe."),
        ("ur", "نرسیں بہت اچھی تھیں۔ انتظار مشکل تھا"),
        ("ar", "كان الطاقم لطيفا والانتظار طويلا"),
        ("zh", "护士很好，等待结果很难。"),
    ],
)
def test_ordinary_answers_raise_no_safeguarding_flag(lang, text):
    assert flag_safeguarding(text, lang) == []


def test_flags_name_the_kinds_found_and_only_safeguarding_makes_an_answer_urgent():
    assert flags_for("Call 07700 900123", "en") == (["pii:phone"], False)
    assert flags_for("I want to kill myself", "en") == (["safeguarding:self_harm"], True)


def test_normalising_folds_case_accents_and_arabic_letter_variants():
    assert normalise("Nie  CHCĘ żyć") == "nie chce zyc"
    assert normalise("ي ك") == normalise("ی ک")
    assert normalise("self‑harm") == "self harm"


def test_the_safeguarding_file_covers_every_language_and_marks_what_is_unreviewed_or_example_data():
    data = json.loads(SAFEGUARDING_FILE.read_text(encoding="utf-8"))
    assert "not yet reviewed by a qualified translator" in data["note"]
    groups = {group for concern in data["concerns"].values() for group in concern["needs"]}
    for lang in LANGUAGES:
        assert groups <= set(data["phrases"][lang]), lang
        assert all(data["phrases"][lang][group] for group in groups), lang
    lead = data["instructions"]["safeguarding_lead"]
    assert lead["example_data"] is True and "example data" in lead["note"]
    steps = " ".join(data["instructions"]["steps"])
    assert "999" in steps and "116 123" in steps and "111" in steps


# Redaction ------------------------------------------------------------------------------------------------


def test_an_edit_may_replace_parts_with_redacted():
    original = "Call me on 07700 900123, I am Jane."
    assert is_redaction_of("Call me on [redacted], I am [redacted].", original)
    assert is_redaction_of("[REDACTED] I am Jane.", original)
    assert is_redaction_of(original, original)


@pytest.mark.parametrize(
    "edited",
    [
        "Call me on [redacted], I am happy.",  # a word added
        "Call me on 07700 900123, I am Jane!",  # punctuation changed
        "Call me, I am Jane.",  # a part removed without a marker
        "I am Jane. [redacted]",  # parts moved
    ],
)
def test_an_edit_that_adds_changes_or_moves_text_is_not_a_redaction(edited):
    assert not is_redaction_of(edited, "Call me on 07700 900123, I am Jane.")


def test_redact_replaces_each_chosen_span_wherever_it_appears():
    text = "Ring 07700 900123. Again: 07700 900123."
    spans = find_personal_data(text, "en")
    assert redact(text, spans[:1]) == "Ring [redacted]. Again: [redacted]."


def test_redact_refuses_an_edit_that_adds_words():
    with pytest.raises(ModerationError):
        redact("It was fine.", [], "It was fine and lovely.")
