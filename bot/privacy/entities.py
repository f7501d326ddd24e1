"""The entity types the engine detects, and how to name each kind to a person.

Entity types are UPPER_SNAKE names shared by the recognizers, the policy file,
the placeholders (``<CREDIT_CARD_1>``) and the privacy notice.
"""

from __future__ import annotations

from typing import Dict

# entity type -> a short human name, used in notices ("I hid the card number ...").
ENTITY_KINDS: Dict[str, str] = {
    # financial
    "CREDIT_CARD": "card number",
    "CARD_EXPIRY": "card expiry date",
    "CARD_CVV": "card security code",
    "IBAN_CODE": "IBAN",
    "ACCOUNT_NUMBER": "account number",
    "ROUTING_NUMBER": "routing number",
    "SORT_CODE": "sort code",
    "SWIFT_CODE": "SWIFT/BIC code",
    "CRYPTO_WALLET": "crypto wallet address",
    "REFERENCE_NUMBER": "customer or reference number",
    # government
    "US_SSN": "Social Security number",
    "US_ITIN": "taxpayer identification number",
    "PASSPORT": "passport number",
    "DRIVER_LICENSE": "driver's licence number",
    "UK_NINO": "National Insurance number",
    # contact and identity
    "PERSON": "name",
    "ADDRESS": "address",
    "EMAIL_ADDRESS": "e-mail address",
    "PHONE_NUMBER": "phone number",
    "DATE_OF_BIRTH": "date of birth",
    "IP_ADDRESS": "IP address",
    # secrets
    "PIN": "PIN",
    "PASSWORD": "password",
    "ONE_TIME_CODE": "one-time code",
    "SECURITY_ANSWER": "security answer",
}

# Values a person must never share with anyone, a bank included.
SECRET_ENTITIES = frozenset({"PIN", "PASSWORD", "ONE_TIME_CODE", "SECURITY_ANSWER", "CARD_CVV"})

ALL_ENTITIES = frozenset(ENTITY_KINDS)

# Which type a value takes when two recognizers give the same span the same score, most specific first: a
# format with a checksum or a fixed shape before a phone number, and the catch-all numbers last. Without an
# order the winner was whichever Presidio's de-duplication (a set) happened to list first, so the same message
# came out as <US_SSN_1> in one process and <PHONE_NUMBER_1> in another.
TIE_ORDER = (
    "CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_ITIN", "UK_NINO", "SWIFT_CODE", "CRYPTO_WALLET", "ROUTING_NUMBER",
    "SORT_CODE", "PASSPORT", "DRIVER_LICENSE", "EMAIL_ADDRESS", "IP_ADDRESS", "CARD_EXPIRY", "DATE_OF_BIRTH",
    "CARD_CVV", "PIN", "ONE_TIME_CODE", "PASSWORD", "SECURITY_ANSWER", "PHONE_NUMBER", "ACCOUNT_NUMBER",
    "REFERENCE_NUMBER", "PERSON", "ADDRESS",
)
TIE_RANK: Dict[str, int] = {name: rank for rank, name in enumerate(TIE_ORDER)}
