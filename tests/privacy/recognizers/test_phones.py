"""Phone numbers in local formats of any country: found after a phone cue, before "office", or with an extension."""

from __future__ import annotations

from typing import Callable, Optional

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

AssertDetected = Callable[[str, str, str, str], None]
AssertNotDetected = Callable[[str, str, Optional[str]], None]


@pytest.mark.parametrize(
    "text, value",
    [
        ("They're not answering at (88) 684-334", "(88) 684-334"),
        ("How can we reach you? You can call 73 448 266", "73 448 266"),
        ("Phone: 02.27.96.63.08", "02.27.96.63.08"),
        ("Name: Ann Lee Phone: 0688 777 97 84", "0688 777 97 84"),
        ("call me back on 3125550132 after 5pm", "3125550132"),
        ("my mobile number is 0477 11 28 98", "0477 11 28 98"),
        ("reach me at 9885 1152 tonight", "9885 1152"),
        ("Tanzania. 06-10446904-Office", "06-10446904"),
        ("Latvia 61 51 81 office +1-203-305-2400", "61 51 81"),
        ("home,001-748-088-2851x818", "001-748-088-2851x818"),
        ("ring (044)688-7538x8775 or email", "(044)688-7538x8775"),
    ],
)
def test_found(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("phones", text, "PHONE_NUMBER", value)


@pytest.mark.parametrize(
    "text",
    [
        "call 911",  # too short to be anyone's number
        "I'll call you on 15 March",
        "call me about the 2,500 loan",
        "I paid 1200 on 12-03-2024",
        "Date: 1972-10-01 21:58:22",
        "the office is closed from 9 to 5",
        "transfer 450 to savings at 5.5 percent",
        "keep getting address 86.231.85.193 blocked error",
    ],
)
def test_not_found(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("phones", text, "PHONE_NUMBER")


def test_an_ip_address_is_not_a_phone_number(assert_not_detected: AssertNotDetected) -> None:
    assert_not_detected("contact", "keep getting address 86.231.85.193 blocked error", "PHONE_NUMBER")


# National formats, from libphonenumber's own example numbers: (region, number type).
NATIONAL_EXAMPLES = [
    (region, kind)
    for region in ("IL", "CN", "IN", "DE", "FR", "AU", "JP", "NL", "ZA", "NG", "PK", "PH", "KR", "TR")
    for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
] + [("IT", PhoneNumberType.FIXED_LINE), ("IE", PhoneNumberType.MOBILE)]


def _national(region: str, kind: int) -> str:
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None, (region, kind)
    return phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)


@pytest.mark.parametrize(("region", "kind"), NATIONAL_EXAMPLES)
def test_national_formats_without_a_cue(assert_detected: AssertDetected, region: str, kind: int) -> None:
    value = _national(region, kind)
    assert_detected("phones", f"my number is {value} thanks", "PHONE_NUMBER", value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("you can get me at 050-234-5678 any time", "050-234-5678"),  # Israeli mobile
        ("wechat or 139 1234 5678", "139 1234 5678"),  # Chinese mobile
        ("here: 06 12 34 56 78", "06 12 34 56 78"),
        ("(02) 1234 5678 is the landline", "(02) 1234 5678"),
    ],
)
def test_national_formats_in_sentences(assert_detected: AssertDetected, text: str, value: str) -> None:
    assert_detected("phones", text, "PHONE_NUMBER", value)


@pytest.mark.parametrize(
    "text",
    [
        "I paid on 2024-03-12 and 01.02.2020",
        "from 01.02.2020 to 03.04.2021",
        "I paid 1 500 000 last year",
        "sort code 12-34-56 12345678",
        "ITIN 912-70-1234",
        "card 4111 1111 1111 1111",
        "in 2019 2020 and 2021",
        "0.5 0.75 and 1.25 percent",
        "reference 0123 4567",  # too short for any national plan
    ],
)
def test_national_shapes_that_are_not_phones(assert_not_detected: AssertNotDetected, text: str) -> None:
    assert_not_detected("phones", text, "PHONE_NUMBER")
