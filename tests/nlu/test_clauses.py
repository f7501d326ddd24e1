"""The question without its identifier clauses: placeholders decide what goes, never a phrase."""

from __future__ import annotations

import pytest

from bot.nlu.clauses import question_view


@pytest.mark.parametrize(("text", "expected"), [
    # before the question, after it, inside it; one clause or several
    ("card <CREDIT_CARD_1>. Why was I charged twice?", "Why was I charged twice?"),
    ("Why was I charged twice? (my email is <EMAIL_ADDRESS_1>)", "Why was I charged twice?"),
    ("I ordered my card - <PERSON_1> here - but it still isn't here", "I ordered my card but it still isn't here"),
    ("What is the expected - acct <ACCOUNT_NUMBER_1> sort code <SORT_CODE_1> - delivery date for my card?",
     "What is the expected delivery date for my card?"),
    ("tel <PHONE_NUMBER_1> and iban <IBAN_CODE_1>, how do I top up by bank transfer?",
     "how do I top up by bank transfer?"),
    ("hi, I'm <PERSON_1>, how much is in my savings account?", "hi how much is in my savings account?"),
    ("I've been waiting a while for my card, is - <PERSON_1> here btw - there a way to track it?",
     "I've been waiting a while for my card, is there a way to track it?"),
    # a full stop that ends no sentence does not cut: the clause goes whole
    ("card no. <CREDIT_CARD_1>, why was I charged twice?", "why was I charged twice?"),
    ("my card ending... actually the full number is <CREDIT_CARD_1>. Where now?", None),  # too little left
    ("my card ending... actually the full number is <CREDIT_CARD_1>. Where is my new card?",
     "Where is my new card?"),
    # a short reply is read alone when what went only said what an identifier is
    ("nah (tel <PHONE_NUMBER_1>)", "nah"),
    ("hey hey (my iban is <IBAN_CODE_1>)", "hey hey"),
    ("acct <ACCOUNT_NUMBER_1> sort code <SORT_CODE_1> - yes please", "yes please"),
    # a full stop after a placeholder ends a sentence, even before a lower-case word
    ("card <CREDIT_CARD_1>. nah", "nah"),
    ("<PERSON_1> here and tel <PHONE_NUMBER_1>. no thanks bye", "no thanks bye"),
])
def test_the_clauses_with_placeholders_go_and_the_question_stays(text: str, expected: str) -> None:
    assert question_view(text) == expected


@pytest.mark.parametrize("text", [
    "why was I charged twice?",  # no placeholder: the message is its own question
    "my card number is <CREDIT_CARD_1>",  # nothing but the identifier
    "send 50 to <PERSON_1>",  # the question holds the placeholder: nothing is left without it
    "I want to pay <PERSON_1>, 20 pounds",  # too little is left to be a question of its own
    "<PERSON_1> needs 200 from me for the holiday, send it please",
    "send it to <PERSON_1>, thanks",  # what went said more than what an identifier is
    "nah (you can ring me on <PHONE_NUMBER_1>)",
    "",
])
def test_no_view_when_there_is_no_clause_to_cut_or_too_little_left(text: str) -> None:
    assert question_view(text) is None


def test_the_view_never_holds_a_placeholder_and_keeps_the_words_order() -> None:
    text = ("so - <PERSON_1> here, acct <ACCOUNT_NUMBER_1> - my card was declined at the shop; "
            "email <EMAIL_ADDRESS_1>; can you tell me why (phone <PHONE_NUMBER_1>)")
    view = question_view(text)
    assert view is not None and "<" not in view
    words = view.replace(";", "").split()
    assert words == [w for w in text.replace(";", "").split() if w in words]
    assert "declined" in view and "why" in view
