"""Cue phrases around a run of name-like words, and how strongly each says "a person follows".

The phrases are matched on the lower-cased text just before the run (and, for a
few, just after it), so they are plain regular expressions over a short window.
"""

from __future__ import annotations

import re

# Cue levels, weakest first. WEAK: a preposition or greeting ("to", "with", "hi");
# NAME_CUE: a phrase that is usually followed by a person ("pay", "I'm", "my wife");
# STRONG: the message says it is a name ("my name is", "Mr", "Regards,").
NO_CUE, WEAK, NAME_CUE, STRONG = 0, 1, 2, 3

_KIN = (
    r"(?:wife|husband|son|daughter|mother|mum|mom|father|dad|brother|sister|friend|partner|boss|"
    r"landlord|landlady|tenant|colleague|co-?worker|cousin|aunt|uncle|niece|nephew|grandma|grandmother|"
    r"grandpa|grandfather|fianc[eé]e?|girlfriend|boyfriend|child|kid|roommate|flatmate|employer|"
    r"employee|accountant|lawyer|solicitor|advisor|adviser|neighbou?r|client|customer|carer|nanny)"
)
_MONEY_VERB = (
    r"(?:pay|pays|paid|paying|send|sends|sent|sending|transfer|transfers|transferred|transferring|wire|"
    r"wired|wiring|give|gave|giving|owe|owes|owed|lend|lent|repay|repaid|refund|refunded|reimburse|"
    r"reimbursed|remit|split|venmo|zelle|invoice|invoiced|bill|billed|charge|charged|receive|received)"
)
_END = r"[\s:,\-\"'“”(]*$"
# What carries a holder's name: "the name on the account is", "name of the payee was".
_HELD = (
    r"(?:(?:the|my|our|his|her|their|your|this|that|joint|savings|current|checking|bank|credit|debit|new|old)\s+){0,3}"
    r"(?:account|card|cheque|check|payee|recipient|beneficiary|policy|mortgage|loan|lease|transfer|invoice|"
    r"statement|deed|tenancy)s?"
)
STRONG_BEFORE_RE = re.compile(
    r"(?:\bnames?(?:\s+(?:is|are|was|were|reads|should\s+be|will\s+be|has\s+to\s+be|becomes))?|\bname's"
    r"|\bnames?\s+(?:on|of|for)\s+" + _HELD + r"\s+(?:is|are|was|were|reads|should\s+be|will\s+be|has\s+to\s+be)"
    r"|\bsigned|\bsincerely|\bregards|\bsigned\s+by|\bspelled|\bspelt)" + _END
)
SIGN_OFF_RE = re.compile(r"\b(?:thanks|thank\s+you|cheers|regards|best|love|sincerely|ta|yours)\s*,?\s*$")
NAME_BEFORE_RE = re.compile(
    r"(?:\b(?:i'm|im|i\s+am|this\s+is|it's|its|here's|named|called|calls?\s+me|known\s+as|goes\s+by|"
    r"payee|beneficiary|recipient|account\s+holder|attn|attention|"
    + _MONEY_VERB
    + r"(?:\s+(?:to|from|for|back|me|him|her|them|us))?|(?:my|our|his|her|their|your)\s+"
    + _KIN
    + r"s?)|\b"
    + _MONEY_VERB
    + r"\b[^.?!\n]{0,40}?\b(?:to|from|for|with)|(?:[$£€]\s?\d[\d,.]*k?|\b\d[\d,.]*\s*(?:k|dollars|"
    r"pounds|euros|bucks|quid|usd|gbp|eur)?)\s+(?:to|from|for)|\b(?:money|cash|funds|payment)\s+"
    r"(?:to|from|for))" + _END
)
# After the run: "Alba, my landlord", "Alba is my sister", "Raimond, can you ...".
# A person does things and has things: "Zama is from ...", "Aki shouted at", "Gregorina's address",
# and a speaker is named before a colon and a quote ('Kalman: "Who are you?"').
_PERSON_VERB = (
    r"(?:said|says|shouted|yelled|asked|asks|told|tells|replied|replies|whispered|spent|spends|gave|"
    r"had\s+given|has\s+given|lives|lived|works|worked|moved|wants|wanted|thinks|thought|emailed|texted|"
    r"called\s+(?:me|us)|is\s+from|was\s+from|is\s+(?:very|so|such|always|never|a\s+very)|"
    r"was\s+(?:very|so|a\s+huge)|is\s+a\s+(?:very\s+)?(?:sympathetic|nice|good|kind|great|reliable)\s+person)"
)
_PERSONAL_THING = (
    r"(?:address|phone|number|email|e-mail|account|card|birthday|house|flat|car|wife|husband|son|daughter|"
    r"mother|father|mum|mom|dad|brother|sister|boss|novel|book|songs?|album|fans?)"
)
NAME_AFTER_RE = re.compile(
    r"^(?:\s*,?\s*(?:is|was|'s)?\s*(?:my|our|his|her|their)\s+" + _KIN + r"\b"
    r"|\s*,\s*(?:can|could|would|will)\s+(?:i|you|we)\b|\s*,\s*please\b"
    r"|\s+" + _PERSON_VERB + r"\b"
    r"|'s\s+" + _PERSONAL_THING + r"\b"
    r"|\s*:\s*\\?[\"“])"
)
# Before the run: "says Yudina.", "starring Bang", "why is Avtorhan so", "speak to Raimond".
PERSON_BEFORE_RE = re.compile(
    r"(?:\b(?:says|said|starring|featuring|directed\s+by|written\s+by|sung\s+by|ex-\w+|why\s+is|"
    r"why\s+was|where\s+is|who\s+is|speak\s+(?:to|with)|talk\s+(?:to|with)|founders?:?(?:\s+\w+,)*)"
    r")[\s:,\"“]*$"
)
WEAK_BEFORE_RE = re.compile(
    r"(?:\b(?:to|for|with|and|from|by|hi|hello|hey|dear|thanks|thank\s+you|cheers|ask|asked|tell|told|"
    r"call|meet|met|contact|cc|via|said|says|say|replied|given|give|gave|like|love|loves|trust|"
    r"trusts|know|knows|knew|visit|visited|married|marry|marries|introduce)|&)" + _END
)


def cue_level(text: str, start: int, end: int) -> int:
    """The strongest cue around the span [start, end): NO_CUE, WEAK, NAME_CUE or STRONG."""
    before = text[max(0, start - 60) : start].lower().replace("’", "'")
    after = text[end : end + 40].lower().replace("’", "'")
    if STRONG_BEFORE_RE.search(before):
        return STRONG
    if SIGN_OFF_RE.search(before) and not after.strip(" .!\n"):
        return STRONG
    if NAME_BEFORE_RE.search(before) or NAME_AFTER_RE.match(after) or PERSON_BEFORE_RE.search(before):
        return NAME_CUE
    if WEAK_BEFORE_RE.search(before):
        return WEAK
    return NO_CUE
