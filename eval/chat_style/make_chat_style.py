"""Build the chat-style evaluation set for the privacy engine.

Writes ``eval/chat_style/chat_style.json``: about 600 bank-chat messages that
carry personal identifiers (labelled with character spans) and about 300 clean
finance messages (no spans). The messages imitate how customers really type in
a chat box: lower case, typos, text-speak, odd separators, numbers broken over
lines, spelled-out digits from speech-to-text, cues far away or missing.

Written independently of the recognizers it evaluates: the templates and value
generators below are this file's own. Every value is fake (Faker names, test
or random Luhn-valid card numbers, fictional phone ranges, reserved e-mail
domains, documentation IP ranges). Deterministic: fixed seeds, no clock.

Run from the repository root: ``python eval/chat_style/make_chat_style.py``.
"""
from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path
from typing import Callable, Union

from faker import Faker
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.us import rtn, ssn

OUT = Path(__file__).with_name("chat_style.json")
SEED = 20240611
Part = Union[str, tuple[str, str]]  # literal text, or (entity_type, value)
R = random.Random(SEED)

LOCALES = ["en_US", "en_GB", "es_ES", "de_DE", "fr_FR", "it_IT", "pl_PL", "en_IN",
           "nl_NL", "pt_BR", "en_IE", "tr_TR", "yo_NG", "vi_VN"]
FAKERS = {loc: Faker(loc) for loc in LOCALES + ["zh_CN", "ja_JP"]}
for _i, _f in enumerate(FAKERS.values()):
    _f.seed_instance(SEED + _i)

WORD_NAMES = ["Grace", "Hope", "Bill", "Will", "Rose", "Mark", "Faith", "Summer", "Jack",
              "Joy", "Amber", "Destiny", "Sunny", "Frank", "Dawn", "Iris", "Chase", "Sandy"]
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MON_ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec"]
US_PLACES = [("springfield", "il", "627"), ("austin", "tx", "787"), ("columbus", "oh", "432"),
             ("portland", "or", "972"), ("tampa", "fl", "336"), ("denver", "co", "802"),
             ("albany", "ny", "122"), ("madison", "wi", "537"), ("reno", "nv", "895")]
UK_PLACES = [("leeds", "LS"), ("manchester", "M"), ("bristol", "BS"), ("cardiff", "CF"),
             ("glasgow", "G"), ("norwich", "NR"), ("york", "YO"), ("london", "SW"),
             ("brighton", "BN"), ("leicester", "LE"), ("belfast", "BT")]
US_STREETS = ["main st", "oak ave", "maple street", "elm st", "washington blvd", "park avenue",
              "lakeview dr", "cedar ln", "pine rd", "2nd st", "highland ave", "sunset blvd"]
UK_STREETS = ["high street", "church road", "station rd", "victoria st", "mill lane",
              "the crescent", "park view", "kings road", "queens ave", "london road"]
TEST_CARDS = ["4111111111111111", "4242424242424242", "4000056655665556", "5555555555554444",
              "5105105105105100", "2223003122003222", "378282246310005", "371449635398431",
              "6011111111111117", "6011000990139424", "4012888888881881", "5200828282828210"]
BIC_COUNTRIES = ["DE", "GB", "FR", "NL", "ES", "IT", "CH", "US", "IE", "BE", "AT", "PL", "SE"]
IBAN_BBAN = {  # country: BBAN pattern (a = letter, n = digit, c = alphanumeric)
    "GB": "aaaannnnnnnnnnnnnn", "DE": "nnnnnnnnnnnnnnnnnn", "FR": "nnnnnnnnnnnnnnnnnnnnnnn",
    "ES": "nnnnnnnnnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn", "IE": "aaaannnnnnnnnnnnnn",
    "IT": "annnnnnnnnnnnnnnnnnnnnn", "BE": "nnnnnnnnnnnn", "CH": "nnnnnnnnnnnnnnnnn",
    "PL": "nnnnnnnnnnnnnnnnnnnnnnnn", "MU": "aaaa" + "n" * 19 + "aaa",
    "SC": "aaaannnnnnnnnnnnnnnnnnnnaaa", "QA": "aaaa" + "c" * 21, "LI": "nnnnnnnnnnnnnnnnn",
}
IBAN_TAIL = {"MU": "MUR", "SC": "USD", "QA": "", "LI": "AA"}  # letters that end the BBAN

# ---------------------------------------------------------------- small helpers

def pick(seq):
    return R.choice(seq)


def digits(n: int, first_nonzero: bool = False) -> str:
    s = "".join(R.choice(string.digits) for _ in range(n))
    return (R.choice("123456789") + s[1:]) if first_nonzero else s


def letters(n: int) -> str:
    return "".join(R.choice(string.ascii_uppercase) for _ in range(n))


def group(s: str, sizes: list[int], sep: str | list[str]) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(s[i:i + size])
        i += size
    if i < len(s):
        out.append(s[i:])
    if isinstance(sep, str):
        return sep.join(out)
    return out[0] + "".join(R.choice(sep) + g for g in out[1:])


def maybe_lower(s: str, p: float = 0.5) -> str:
    return s.lower() if R.random() < p else s


def ordinal(n: int) -> str:
    suf = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


def spell(ds: str) -> str:
    """Digits as speech-to-text writes them: 'oh', 'double five', 'triple seven', tens."""
    words, i = [], 0
    while i < len(ds):
        d = ds[i]
        run = len(ds[i:]) - len(ds[i:].lstrip(d))
        if run >= 3 and R.random() < 0.6:
            words.append("triple " + DIGIT_WORDS[int(d)]); i += 3
        elif run >= 2 and R.random() < 0.6:
            words.append("double " + ("oh" if d == "0" and R.random() < 0.5 else DIGIT_WORDS[int(d)])); i += 2
        elif d != "0" and i + 1 < len(ds) and R.random() < 0.3:
            a, b = int(d), int(ds[i + 1])
            words.append(TEENS[b] if a == 1 else TENS[a] + ("" if b == 0 else " " + DIGIT_WORDS[b])); i += 2
        else:
            words.append("oh" if d == "0" and R.random() < 0.4 else DIGIT_WORDS[int(d)]); i += 1
    return " ".join(words)

# ---------------------------------------------------------------- value generators

def card_digits() -> str:
    if R.random() < 0.35:
        return pick(TEST_CARDS)
    prefix, length = pick([("4", 16), ("51", 16), ("53", 16), ("2221", 16), ("6011", 16), ("37", 15), ("34", 15)])
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def card(style: str | None = None) -> str:
    d = card_digits()
    sizes = [4, 6, 5] if len(d) == 15 else [4, 4, 4, 4]
    style = style or pick(["space", "space", "compact", "dash", "dots", "double", "mixed"])
    seps = {"space": " ", "compact": "", "dash": "-", "dots": ".", "double": "  ",
            "mixed": [" ", ".", "-", "  "], "newline": None}
    if style == "newline":
        parts = group(d, sizes, "|").split("|")
        cut = R.randint(1, len(parts) - 1)
        return " ".join(parts[:cut]) + pick(["\n", " \n", "\n\n"]) + " ".join(parts[cut:])
    return group(d, sizes, seps[style])


def expiry() -> str:
    m, y = R.randint(1, 12), R.randint(2026, 2032)
    return pick([f"{m:02d}/{y % 100}", f"{m}/{y % 100}", f"{m:02d}/{y}", f"{m:02d}-{y % 100}",
                 f"{m:02d} / {y % 100}", f"{m:02d}{y % 100}", f"{MON_ABBR[m - 1]} {y}"])


def iban(country: str | None = None) -> str:
    country = country or pick(list(IBAN_BBAN))
    pattern = IBAN_BBAN[country]
    while True:
        tail = IBAN_TAIL.get(country, "")
        bban = "".join(R.choice(string.ascii_uppercase) if c == "a" else R.choice(string.digits)
                       if c == "n" else R.choice(string.ascii_uppercase + string.digits)
                       for c in pattern[:len(pattern) - len(tail)]) + tail
        if country == "BE":
            bban = pick(["001", "063", "068", "310", "363", "539", "737"]) + bban[3:10]
            bban += "%02d" % (int(bban) % 97 or 97)
        number = country + std_iban.calc_check_digits(country + "00" + bban) + bban
        if std_iban.is_valid(number):
            break
    grouped = R.random() < 0.5
    out = " ".join(number[i:i + 4] for i in range(0, len(number), 4)) if grouped else number
    return maybe_lower(out, 0.35)


def swift() -> str:
    while True:
        code = letters(4) + pick(BIC_COUNTRIES) + pick(["2L", "22", "33", "FF", "PP", "MM", "2A", "3N", "XX"])
        code += pick(["", "", "XXX", digits(3), "500"])
        if std_bic.is_valid(code):
            return maybe_lower(code, 0.5)


def routing() -> str:
    base = "%02d" % pick(list(range(1, 13)) + list(range(21, 33))) + digits(6)
    return base + rtn.calc_check_digit(base)


def sort_code() -> str:
    return group(digits(6), [2, 2, 2], pick(["-", "-", " ", ""]))


def uk_account() -> str:
    return digits(8)


def us_account() -> str:
    return digits(R.randint(6, 17))


def us_ssn() -> str:
    while True:
        raw = "%03d%02d%04d" % (R.randint(1, 899), R.randint(1, 99), R.randint(1, 9999))
        if ssn.is_valid(raw):
            return group(raw, [3, 2, 4], pick(["-", "-", " ", ""]))


def itin() -> str:
    mid = pick(list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] + list(range(94, 100)))
    return group("9" + digits(2) + str(mid) + digits(4), [3, 2, 4], pick(["-", "-", " ", ""]))


def passport() -> str:
    return pick([letters(1) + digits(8), digits(9, True), digits(9, True), letters(2) + digits(7)])


def uk_licence() -> str:
    surname = last_name().upper().replace("'", "").replace(" ", "")
    surname = "".join(c for c in surname if c in string.ascii_uppercase)[:5].ljust(5, "9")
    year, month, day = R.randint(1950, 2004), R.randint(1, 12), R.randint(1, 28)
    month += 50 if R.random() < 0.5 else 0
    body = f"{surname}{str(year)[2]}{month:02d}{day:02d}{str(year)[3]}{letters(2)}9{letters(2)}"
    return maybe_lower(body, 0.3)


def us_licence() -> str:
    return pick([letters(1) + digits(7), digits(9, True), letters(1) + digits(12),
                 digits(8, True), letters(1) + digits(11)])


def nino() -> str:
    while True:
        pre = R.choice("ABCEGHJKLMNOPRSTWXYZ") + R.choice("ABCEGHJKLMNPRSTWXYZ")
        if pre not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            break
    raw = pre + digits(6) + R.choice("ABCD")
    if R.random() < 0.1:
        raw = "QQ123456C"
    out = pick([raw, group(raw, [2, 2, 2, 2, 1], " "), raw])
    return maybe_lower(out, 0.5)


def last_name() -> str:
    return FAKERS[pick(LOCALES)].last_name()


def person() -> str:
    r = R.random()
    if r < 0.12:
        return FAKERS[pick(["zh_CN", "ja_JP"])].romanized_name()
    if r < 0.3:
        return pick(WORD_NAMES) + " " + last_name()
    loc = FAKERS[pick(LOCALES)]
    return f"{loc.first_name()} {loc.last_name()}"


def us_address(lines: bool = False) -> str:
    city, state, zip3 = pick(US_PLACES)
    street = f"{R.randint(2, 9899)} {pick(US_STREETS)}"
    unit = pick(["", "", f" apt {R.randint(1, 30)}{pick(['', 'b', 'c'])}", f" unit {R.randint(1, 40)}", f" #{R.randint(100, 999)}"])
    zipc = zip3 + digits(2) + (("-" + digits(4)) if R.random() < 0.35 else "")
    if R.random() < 0.15:
        street, unit = f"po box {R.randint(10, 9999)}", ""
    sep = "\n" if lines else pick([" ", " ", ", "])
    return f"{street}{unit}{sep}{city}{', ' if sep == ', ' else ' '}{state} {zipc}"


def uk_postcode(area: str) -> str:
    outward = area + str(R.randint(1, 20)) + (pick(["A", "", ""]) if area == "SW" else "")
    inward = str(R.randint(0, 9)) + "".join(R.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    return pick([f"{outward} {inward}", f"{outward}{inward}", f"{outward} {inward}".lower(),
                 f"{outward}{inward}".lower(), f"{outward}  {inward}"])


def uk_address(lines: bool = False) -> str:
    city, area = pick(UK_PLACES)
    unit = pick(["", "", f"flat {R.randint(1, 12)} ", f"flat {R.randint(1, 9)}{pick('abc')} "])
    street = f"{unit}{R.randint(1, 240)} {pick(UK_STREETS)}"
    if R.random() < 0.1:
        street = f"po box {R.randint(100, 999)}"
    sep = "\n" if lines else pick([" ", " ", ", "])
    return f"{street}{sep}{city}{sep}{uk_postcode(area)}"


def address(lines: bool = False) -> str:
    return maybe_lower(us_address(lines) if R.random() < 0.5 else uk_address(lines), 0.6)


def email(name: str | None = None) -> str:
    base = (name or person()).lower()
    base = "".join(c for c in base if c.isascii() and (c.isalnum() or c == " ")).split() or ["user"]
    local = pick([".".join(base), base[0] + digits(2), base[0][0] + base[-1], "_".join(base)])
    domain = pick(["example.com", "example.com", "example.org", "example.net", "mail.example.com",
                   "shop.example", "family.test", "post.example.org", "shop.xn--zckzah", "post.xn--0zwm56d"])
    return local + "@" + domain


def phone() -> str:
    kind = pick(["us", "us", "uk_mob", "uk_mob", "uk_land", "au", "fr", "ca"])
    tail = "01" + digits(2)
    if kind in ("us", "ca"):
        area = pick(["416", "604"] if kind == "ca" else ["202", "212", "312", "415", "617", "713", "305"])
        return pick([f"({area}) 555-{tail}", f"{area}-555-{tail}", f"{area}.555.{tail}", f"{area}555{tail}",
                     f"{area} 555 {tail}", f"1-{area}-555-{tail}", f"+1 {area} 555 {tail}"])
    if kind == "uk_mob":
        d = "900" + digits(3)
        return pick([f"07700 {d}", f"07700{d}", f"07700 {d[:3]} {d[3:]}", f"+44 7700 {d}", f"+447700{d}"])
    if kind == "uk_land":
        city = pick(["020 7946 0", "0113 496 0", "0161 496 0", "0121 496 0", "0117 496 0", "029 2018 0"])
        num = city + digits(3)
        return pick([num, num.replace(" ", ""), "(" + num.replace(" ", ") ", 1)])
    if kind == "au":
        return pick(["0491 570 156", "0491 570 157", "0491 570 110", "0491 571 266", "0491 572 549"]
                    + [f"(0{pick('2378')}) 5550 {digits(4)}"])
    return pick([f"06 39 98 {digits(2)} {digits(2)}", f"01 99 00 {digits(2)} {digits(2)}", f"063998{digits(4)}"])


def phone_digits() -> str:
    return pick(["07700900" + digits(3), pick(["202", "312", "415"]) + "55501" + digits(2), "02079460" + digits(3)])


def dob() -> str:
    y, m, d = R.randint(1938, 2005), R.randint(1, 12), R.randint(1, 28)
    mon = MONTHS[m - 1]
    forms = [f"{d:02d}-{mon[:3]}-{y}", f"{d}-{MON_ABBR[m - 1]}-{y}", f"{mon[:3].lower()} {d} {y % 100:02d}",
             f"{ordinal(d).upper()} OF {mon.upper()} {y}", f"{ordinal(d)} {mon.lower()} {y}",
             f"{d:02d}/{m:02d}/{y % 100:02d}", f"{y}-{m:02d}-{d:02d}", f"{d}.{m}.{y}", f"{mon} {d}, {y}",
             f"{m}/{d}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d} {mon[:3]} {y}", f"{ordinal(d)} of {mon.lower()} {y}"]
    return pick(forms)


def ip() -> str:
    return pick([f"192.0.2.{R.randint(1, 254)}", f"198.51.100.{R.randint(1, 254)}",
                 f"203.0.113.{R.randint(1, 254)}", f"2001:db8::{R.randint(1, 9999):x}",
                 f"2001:db8:{R.randint(1, 999):x}:{R.randint(1, 999):x}::{R.randint(1, 99)}"])


def pin() -> str:
    return pick([digits(4), digits(4), "0000", "1379", digits(6)])


def password() -> str:
    word = pick(["hunter", "sunshine", "dragon", "Bluebird", "monkey", "letmein", "Arsenal", "chelsea", "qwerty", "Pa55word"])
    return word + pick(["2!", digits(2), digits(4) + "#", "!" + digits(2), "_" + digits(3), "$$", "?9"])


def otp() -> str:
    d = digits(6)
    return pick([d, d, d[:3] + " " + d[3:], d[:3] + "-" + d[3:], digits(4), digits(8)])


SECURITY_QA = [("mothers maiden name is ", ["o'neill", "smith", "kowalski", "fernandez", "nguyen", "mcgregor"]),
               ("first pet was called ", ["biscuit", "mr whiskers", "rex", "poppy", "bubbles"]),
               ("my first school was ", ["st marys", "hillside primary", "oakwood junior", "st josephs"]),
               ("favourite teacher was ", ["mr patel", "mrs green", "miss hughes"]),
               ("memorable word is ", ["pineapple", "zanzibar", "lighthouse", "marmalade"]),
               ("the answer to my security question is ", ["blue whale", "aunt sally", "route 66", "kermit"]),
               ("memorable place ", ["brighton pier", "lake como", "skegness"])]


def reference() -> str:
    return pick([f"CX-{digits(5)}-{letters(1)}", f"REF{digits(8)}", f"CAS-{digits(5)}-{letters(1)}{digits(1)}{letters(2)}",
                 f"#{digits(6)}", f"TKT{digits(6)}", f"{letters(3)}{digits(7)}", f"C{digits(9)}", f"INC-{digits(7)}"])


def E(t: str, v: str) -> tuple[str, str]:
    return (t, v)

# ---------------------------------------------------------------- message templates
HI = ["", "", "hi ", "hello ", "hey ", "hiya ", "morning ", "hi there, ", "Hi, ", "ok so "]
BYE = ["", "", " thx", " thanks", " pls", " ty", "?", " cheers", " asap please", "!!"]
Maker = Callable[[], list[Part]]
TEMPLATES: list[tuple[str, int, Maker]] = []


def F(frame: str, *ents: tuple[str, str]) -> list[Part]:
    """Fill a frame's '{}' slots in order with entities; '{hi}' and '{bye}' become an opener and a closer."""
    pieces = frame.replace("{hi}", pick(HI)).replace("{bye}", pick(BYE)).split("{}")
    assert len(pieces) == len(ents) + 1, frame
    parts: list[Part] = [pieces[0]]
    for ent, lit in zip(ents, pieces[1:]):
        parts += [ent, lit]
    return parts


def frames(tid: str, n: int, ents: Callable[[], tuple], *fs: str) -> None:
    """Register template `tid`, used n times: a random frame filled with fresh entities."""
    TEMPLATES.append((tid, n, lambda: F(pick(fs), *ents())))


def ent(t: str, gen: Callable[[], str]) -> Callable[[], tuple]:
    return lambda: (E(t, gen()),)


def CC(style: str | None = None) -> tuple[str, str]:
    return E("CREDIT_CARD", card(style))


def PER(p: float = 0.5) -> tuple[str, str]:
    return E("PERSON", maybe_lower(person(), p))


frames("card_cue", 10, lambda: (CC(),), "{hi}my card number is {}{bye}", "card no {}{bye}", "{hi}card: {}", "the long number on my card is {}",
       "{hi}debit card {}{bye}", "cc# {}", "card#{}", "its {}{bye}", "card ending... no wait full number {}", "visa {} pls")
frames("card_nocue", 8, lambda: (CC(),), "{}  blocked??", "{} wont work at the atm", "{} - is this still active", "why was {} declined at tesco",
       "is {} the one thats frozen or the other one")
frames("card_two", 8, lambda: (CC(pick(["space", "compact", "dash"])), CC(pick(["space", "compact"]))),
       "i have {} and {} which one has the cashback", "cancel both {} {} lost my wallet", "cards {} {}{bye}",
       "pls merge {} and {} into one statement")
frames("card_newline", 8, lambda: (CC("newline"),), "card is {}", "number: {}\nthanks", "my card\n{}", "here u go {} sorry")
frames("card_details", 16, lambda: (CC(), E("CARD_EXPIRY", expiry()), E("CARD_CVV", digits(3))),
       "{hi}card {} exp {} cvv {}{bye}", "{}, expires {}, cvc{}", "paying with {}\nexpiry: {}\nsecurity code {}",
       "{} valid thru {} and 3 digits on the back {}", "{hi}{} ex {} cvv2 {}", "card {} exp date {} cvv {}{bye}")
frames("card_spelled", 8, lambda: (E("CREDIT_CARD", spell(card_digits())),), "card number {}", "my card number is {} thank you",
       "the card is {} did you get that", "ok card {}")
frames("card_person", 8, lambda: (PER(), CC(), E("CARD_EXPIRY", expiry())), "card holder {} card {} exp {}",
       "name on card {} number {} exp {}", "its my husbands card {} - {} exp {}")
frames("expiry_cvv", 8, lambda: (E("CARD_EXPIRY", expiry()), E("CARD_CVV", digits(3))), "new card came, expiry {} and cvv {}",
       "it says expires {} cvc{} is that right", "exp {} code on the back is {}")
frames("iban", 12, ent("IBAN_CODE", iban), "{hi}send it to {}{bye}", "my iban is {}{bye}", "iban: {}", "pay into {}", "iban{}", "refund to {} pls")
frames("iban_swift", 10, lambda: (E("IBAN_CODE", iban()), E("SWIFT_CODE", swift())), "iban {} bic {}{bye}", "IBAN: {}\nBIC: {}",
       "acct {} swift code {}", "{} / {}")
frames("iban_person", 8, lambda: (PER(), E("IBAN_CODE", iban(pick(["MU", "SC", "QA", "LI", "BE", "BE", "DE", "FR", "ES", "IT", "PL"])))),
       "transfer 500 eur to {} iban {}", "pls send 1200 to {} at {}", "need to pay {} - {}", "wire to {}, account {}")
frames("swift_only", 12, lambda: (E("SWIFT_CODE", pick([swift(), swift(), "deutdeff500", "barcgb22", "BARCGB22", "NWBKGB2L"])),),
       "whats the swift for my account, is it {}?", "bic{}", "swift {} right?", "they gave me {} for the transfer", "bank code {}")
frames("uk_bank", 14, lambda: (E("SORT_CODE", sort_code()), E("ACCOUNT_NUMBER", uk_account())), "sort code {} account {}",
       "sc {} acc no {}{bye}", "{} {}", "its {}  {} natwest", "sort {}\nacc {}", "s/c {} a/c {} thx")
frames("sort_only", 8, ent("SORT_CODE", sort_code), "is {} a halifax one", "which bank is {}", "sort code {} not recognised??")
frames("us_bank", 14, lambda: (E("ROUTING_NUMBER", routing()), E("ACCOUNT_NUMBER", us_account())), "routing {} account {}",
       "aba {} acct {}{bye}", "{} / {}", "direct deposit: routing number {}, account number {}", "rtn{} acct#{}", "for the wire use {} and {}")
frames("routing_nocue", 8, ent("ROUTING_NUMBER", routing), "is {} the right number for wires", "{} ??", "my employer says {} is wrong",
       "payroll form wants {} or the other one")
frames("account_nocue", 10, ent("ACCOUNT_NUMBER", lambda: pick([uk_account(), us_account(), "0" + digits(10)])), "balance on {}?",
       "{} balance pls", "whats left in {}", "statement for {} pls", "close {} thanks")
frames("account_far", 10, ent("ACCOUNT_NUMBER", lambda: pick([uk_account(), us_account()])),
       "i pay my rent by standing order every month from {}", "the account i use for bills and stuff is the joint one {}",
       "my salary goes into the savings one, number {} i think", "account got frozen yesterday after i tried to move money out of {}",
       "transfer 3k from my current acct into {} on friday")
frames("account_spelled", 8, ent("ACCOUNT_NUMBER", lambda: spell(uk_account())), "account number {}", "my account is {} thanks",
       "acct number is {} did u get that", "its {}")
frames("ssn", 20, ent("US_SSN", us_ssn), "ssn {}", "my social is {}{bye}", "{} is my ssn for the application", "{} - can u check my credit file", "SSN: {}",
       "social security number {} pls update", "last time i gave u {} did it go through", "soc sec#{}")
frames("itin", 26, ent("US_ITIN", itin), "my itin is {}", "itin {} for tax forms", "i dont have ssn only itin {}", "tax id {}{bye}",
       "{} is the number irs gave me", "ITIN: {}")
frames("passport", 24, ent("PASSPORT", passport), "passport no {}", "my passport number is {}{bye}", "pp {} expires 2031",
       "uploaded passport {} yesterday", "passport#{}", "id is passport, {}")
frames("dl_uk", 14, ent("DRIVER_LICENSE", uk_licence), "driving licence {}", "my licence number is {}", "dl {} for id check",
       "driving licence no. {}{bye}", "licence: {}")
frames("dl_us", 14, ent("DRIVER_LICENSE", us_licence), "DL {} (ca)", "license # {} ny", "drivers license {}", "my license is {}{bye}",
       "driver's lic {} texas")
frames("nino", 24, ent("UK_NINO", nino), "ni number {}", "my nino is {}", "national insurance {}{bye}", "NI: {}",
       "national insurance number is {} for the isa", "ni no {} sorry typo before")
frames("person_word", 16, lambda: (E("PERSON", maybe_lower(pick([pick(WORD_NAMES), pick(WORD_NAMES) + " " + last_name()]), 0.7)),),
       "this is {} from leeds", "transfer to {} pls", "my wife {} said the card was declined", "hi its {}", "add {} as a payee",
       "can {} use my account")
frames("person_intl", 10, lambda: (PER(0.4),), "hi im {} i cant log in", "payee name {}", "send 200 to {} tonight",
       "my name is {} and i need help", "joint account with {}{bye}", "{} here, card stuck in atm")
frames("address", 18, ent("ADDRESS", address), "new address {}", "i moved to {}{bye}", "send the card to {}", "address: {}",
       "pls update my address its {}", "statements still going to {} i moved out")
frames("address_lines", 10, ent("ADDRESS", lambda: address(True)), "new address:\n{}", "address is\n{}\nthanks", "please post it to\n{}\n")
frames("address_person", 10, lambda: (PER(0.4), E("ADDRESS", address(True))), "please send the letter to {}\n{}",
       "post the new card to\n{}\n{}")
frames("email", 12, ent("EMAIL_ADDRESS", email), "email me at {}", "my email is {}{bye}", "changed my email to {}", "e-mail: {}",
       "send statements to {} not the old one", "{} is my login")
frames("phone", 24, ent("PHONE_NUMBER", phone), "call me on {}", "my number is {}{bye}", "new mobile {}", "ring me back on {} after 5",
       "phone: {}", "text {} when its done", "{} is my new number")
frames("phone_glued", 12, ent("PHONE_NUMBER", lambda: phone().replace(" ", "") if R.random() < 0.6 else phone()),
       "call me on{}", "tel:{}", "mob:{}", "call{} asap", "ph#{}", "number{}")
frames("phone_spelled", 10, ent("PHONE_NUMBER", lambda: spell(phone_digits())), "my number is {}", "call me on {}", "phone number {}", "its {}")
frames("dob", 22, ent("DATE_OF_BIRTH", dob), "dob {}", "date of birth {}", "born {}", "d.o.b. {}", "my birthday is {}{bye}", "DOB: {}",
       "i was born on {}", "birth date {} if u need it")
frames("ip", 22, ent("IP_ADDRESS", ip), "login from {} wasnt me", "my ip is {}", "someone logged in from {} at 3am",
       "app blocked my ip {}{bye}", "ip: {}", "is {} one of yours?")
frames("pin", 18, ent("PIN", pin), "pin is {}", "my pin {} doesnt work", "pin{}", "changed pin to {} yesterday", "PIN: {}",
       "i think my pin is {} or maybe not", "forgot if the pin was {}")
frames("pin_spelled", 6, ent("PIN", lambda: spell(digits(4))), "my pin is {}", "pin {}", "the pin number is {}")
frames("password", 16, ent("PASSWORD", password), "my password is {}", "pw {} not working", "password: {}", "tried {} as my password",
       "login password {}{bye}", "pwd={}", "reset my password, old one was {}")
frames("otp", 16, ent("ONE_TIME_CODE", otp), "code {}", "otp {}", "passcode {} didnt work", "verification code is {}",
       "got the code {} but it expired", "the 6 digit code {}", "otp:{}")
def security_message() -> list[Part]:
    cue, answers = pick(SECURITY_QA)
    return F(pick(["", "", "ok ", "security question - "]) + cue + "{}{bye}", E("SECURITY_ANSWER", pick(answers)))


TEMPLATES.append(("security", 20, security_message))
frames("reference", 22, ent("REFERENCE_NUMBER", lambda: maybe_lower(reference(), 0.3)), "case ref {}", "my reference is {}{bye}",
       "complaint ref {} still no answer", "ticket {}", "customer number {}", "ref: {}", "case number {} from last week")
frames("verify_combo", 12, lambda: (PER(), E("DATE_OF_BIRTH", dob()), E("ADDRESS", address(R.random() < 0.3))),
       "name {} dob {} address {}", "its {}, born {}, i live at {}", "for security: {}\ndate of birth {}\naddress\n{}", "{} {} {}")
frames("login_combo", 10, lambda: (E("EMAIL_ADDRESS", email()), E("PASSWORD", password()), E("ONE_TIME_CODE", otp())),
       "email {} password {} and the otp was {}", "login {} / pw {} code {} still locked", "username {}\npassword {}\nverification code {}")
frames("update_combo", 10, lambda: (E("PHONE_NUMBER", phone()), E("EMAIL_ADDRESS", email()), E("ADDRESS", address())),
       "update my details: phone {}, email {}, address {}", "new number {} new email {} new address {}", "pls change phone to {} email {} and address to {} ty")
frames("tax_combo", 8, lambda: (PER(), E(*pick([("US_SSN", us_ssn()), ("US_ITIN", itin())])), E("PASSPORT", passport())),
       "opening an account for {} ssn/itin {} passport {}", "{}\ntax number {}\npassport no {}")


CHUNKS: list[Callable[[], list[Part]]] = [
    lambda: ["my card ", E("CREDIT_CARD", card()), " was used in a shop ive never been to."],
    lambda: ["My name is ", E("PERSON", person()), "."],
    lambda: ["you can reach me on ", E("PHONE_NUMBER", phone()), " or ", E("EMAIL_ADDRESS", email())],
    lambda: ["I live at ", E("ADDRESS", address(R.random() < 0.5)), "."],
    lambda: ["date of birth ", E("DATE_OF_BIRTH", dob())],
    lambda: ["the money went to ", E("IBAN_CODE", iban()), " (bic ", E("SWIFT_CODE", swift()), ")"],
    lambda: ["sort code ", E("SORT_CODE", sort_code()), " account ", E("ACCOUNT_NUMBER", uk_account())],
    lambda: ["routing ", E("ROUTING_NUMBER", routing()), " acct ", E("ACCOUNT_NUMBER", us_account())],
    lambda: ["case ref ", E("REFERENCE_NUMBER", reference()), " from the last call."],
    lambda: ["the login came from ", E("IP_ADDRESS", ip()), " which isnt me"],
    lambda: ["NI number ", E("UK_NINO", nino())],
    lambda: ["i gave them the otp ", E("ONE_TIME_CODE", otp()), " before i realised"],
    lambda: ["my ssn is ", E("US_SSN", us_ssn())],
    lambda: ["passport ", E("PASSPORT", passport())],
    lambda: ["mothers maiden name ", E("SECURITY_ANSWER", pick(SECURITY_QA[0][1]))],
    lambda: ["they even asked for my pin ", E("PIN", pin()), " and i gave it"],
    lambda: ["expiry ", E("CARD_EXPIRY", expiry()), " cvv ", E("CARD_CVV", digits(3))],
    lambda: ["they changed my password to ", E("PASSWORD", password())],
]
FILLERS = ["I have been with you for 12 years and never had this happen.", "Yesterday afternoon I got a text saying my account was locked.",
           "honestly this is so stressful, rent is due next week", "I already called twice and got cut off both times.",
           "Please can someone look at this today.", "the app keeps crashing when i try to freeze the card",
           "i think it was a scam call, the guy sounded really convincing", "there are 3 payments of £49.99 i dont recognise",
           "Not sure what else you need from me.", "my daughter helped me type this so sorry if its messy",
           "I want the money back and the card cancelled.", "this started around 10:30 this morning",
           "can u also check if anything else went out since monday", "i'm travelling next month so i need this fixed"]


def long_message() -> list[Part]:
    while True:
        chunks = [c() for c in R.sample(CHUNKS, R.randint(3, 5))]
        fillers = R.sample(FILLERS, 6)
        parts: list[Part] = [pick(["Hi,", "hello", "Hi there", "hey"]), "\n"]
        for i, ch in enumerate(chunks):
            parts += ch + [pick([" ", "\n", ". "])]
            if R.random() < 0.7:
                parts += [fillers[i], pick(["\n", " ", "\n\n"])]
        parts += [pick(["thanks", "Thank you", "cheers", "regards"])]
        n = len(render(parts)[0])
        if n < 310:
            parts[-1:-1] = ["\n", fillers[5], "\n"]
            n = len(render(parts)[0])
        if 310 <= n <= 780 and 3 <= sum(isinstance(p, tuple) for p in parts) <= 6:
            return parts


TEMPLATES.append(("long_message", 32, long_message))

# ---------------------------------------------------------------- clean messages
SLOTS = {
    "amt": ["$1,250.00", "3k", "£45", "€300", "$80", "£1,499.99", "500 dollars", "$12k", "2.5k", "£20", "$4,000", "1,200 quid", "£750"],
    "pct": ["12.5%", "4.5% APR", "0.75%", "3 percent", "5.1%", "22.9% apr", "2%", "19.99% APR"],
    "date": ["next friday", "12/03", "March 2027", "2025-01-15", "the 15th", "end of june", "tomorrow", "jan 31st", "monday", "1st of the month"],
    "time": ["10:30", "9am", "14:45", "5pm", "noon", "8:15"],
    "dur": ["36 months", "5 years", "90 days", "2 weeks", "12 months", "25 years", "6 months"],
    "year": ["2023", "2024", "2019", "the 2024/25 tax year", "2026"],
    "prod": ["401k", "Roth IRA", "ISA", "lifetime ISA", "HSA", "529 plan", "SIPP", "premium bonds", "CD", "stocks and shares ISA"],
    "form": ["W-2", "1099", "1099-INT", "P60", "W-9", "self assessment", "1040"],
    "bank": ["Chase", "Barclays", "HSBC", "Monzo", "Revolut", "Santander", "Nationwide", "Capital One", "Ally", "Vanguard", "Fidelity", "Lloyds"],
    "city": ["Leeds", "Chicago", "Austin", "Manchester", "Denver", "Glasgow", "Phoenix", "Bristol"],
    "tick": ["AAPL", "VOO", "TSLA", "VTI", "MSFT", "the S&P 500", "NVDA", "FTSE 100"],
}
CLEAN = [
    "whats the interest on a {amt} loan over {dur}", "is {pct} a good rate for a mortgage", "can i pay {amt} off my credit card {date}",
    "when does my {prod} contribution limit reset", "i got my {form} do i need to send it to you", "how do i move my {prod} from {bank} to you",
    "transfer {amt} to savings {date} pls", "why was i charged {amt} on {date}", "standing order of {amt} every month starting {date}",
    "need the statement from {date} for my mortgage application", "is {tick} in the index fund u offer", "should i put {amt} into {tick} or my {prod}",
    "what time do branches in {city} close, i can get there by {time}", "my rent is {amt} and i earn about {amt} a month, how much can i save",
    "does the {prod} pay {pct}", "how long does a transfer to {bank} take, sent it at {time}", "can i fix my rate for {dur} at {pct}",
    "the grace period on my card ends {date} right", "I hope the refund of {amt} shows up by {date}", "will my bill of {amt} be paid automatically",
    "pay my electric bill {amt} {date}", "whats the fee for withdrawing {amt} abroad", "i want to mark the payment of {amt} as disputed",
    "summer holiday coming up, can i use my card in spain with no fees", "did the {pct} rate rise apply from {date}", "overdraft limit up to {amt} pls",
    "what is the APR on a {dur} car loan for {amt}", "can u explain the {form} i need for {year}", "how much tax on {amt} interest in {year}",
    "is my {prod} protected up to {amt}", "i'm saving for a house in {city}, {amt} deposit in {dur}", "compare {bank} {pct} vs yours",
    "do you have faith that rates go down in {year}", "jack up my daily limit to {amt} for {date}", "loan of {amt} at {pct} for {dur} monthly payment?",
    "direct debit of {amt} bounced on {date} why", "opened a {prod} in {year}, can i still add {amt}", "what happens if i miss the payment due {date}",
    "whats my {prod} worth if {tick} drops {pct}", "appointment at the {city} branch {date} at {time} still on?", "how do i get {amt} cash back",
    "cashback was {pct} last month but only {amt} this time", "can i split {amt} over {dur} interest free", "is the {dur} fixed saver better than {pct} easy access",
    "when will the {form} for {year} be ready", "my card was declined at {time} for {amt}", "set up a savings goal of {amt} by {date}",
    "dividends from {tick} go into which account", "moving from {city} to {city} next month, anything i need to do", "how much is {amt} in euros",
    "the {bank} app says pending since {date}", "any penalty for paying off {amt} early on a {dur} loan", "i want to invest {amt} a month into {tick}",
]
TEXTSPEAK = [("please", "pls"), ("you", "u"), ("your", "ur"), ("account", "acct"), ("thanks", "thx"), ("because", "cos"), ("are", "r")]


def clean_message() -> list[Part]:
    text = pick(CLEAN)
    for key, values in SLOTS.items():
        while "{" + key + "}" in text:
            text = text.replace("{" + key + "}", pick(values), 1)
    end = pick(["", "?", "??", " thanks"] if text.startswith(("wh", "how", "is ", "can", "do", "will", "should", "any")) else ["", ".", " pls", "!"])
    return [maybe_lower(text[0].upper() + text[1:] + end, 0.6)]

# ---------------------------------------------------------------- noise and rendering

def typo(text: str) -> str:
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not idx:
        return text
    i = pick(idx)
    w, j = words[i], R.randint(1, len(words[i]) - 2)
    words[i] = pick([w[:j] + w[j + 1:], w[:j] + w[j + 1] + w[j] + w[j + 2:], w[:j] + w[j] + w[j:]])
    return " ".join(words)


def textspeak(text: str) -> str:
    words = text.split(" ")
    table = dict(TEXTSPEAK)
    return " ".join(table.get(w.lower(), w) if R.random() < 0.8 else w for w in words)


def add_noise(parts: list[Part]) -> list[Part]:
    lower, nopunct, speak, typos = (R.random() < p for p in (0.45, 0.3, 0.35, 0.3))
    out: list[Part] = []
    for p in parts:
        if isinstance(p, tuple):
            out.append((p[0], p[1].lower()) if lower else p)
            continue
        if speak:
            p = textspeak(p)
        if typos and R.random() < 0.5:
            p = typo(p)
        if nopunct:
            p = re.sub(r"[,.!?;](?!\d)", "", p)
        out.append(p.lower() if lower else p)
    return out


def render(parts: list[Part]) -> tuple[str, list[dict]]:
    text, spans = "", []
    for p in parts:
        if isinstance(p, tuple):
            spans.append({"entity_type": p[0], "entity_value": p[1], "start_position": len(text),
                          "end_position": len(text) + len(p[1])})
            text += p[1]
        else:
            text += p
    return text, spans


def record(parts: list[Part], tid: str) -> dict:
    text, spans = render(parts)
    for s in spans:
        assert text[s["start_position"]:s["end_position"]] == s["entity_value"], s
        assert s["entity_value"] == s["entity_value"].strip(), s
    return {"full_text": text, "spans": spans, "template_id": tid}


def build() -> list[dict]:
    records, seen = [], set()
    jobs = [(tid, fn) for tid, n, fn in TEMPLATES for _ in range(n)] + [("clean", clean_message)] * 300
    for tid, fn in jobs:
        while True:
            rec = record(add_noise(fn()), tid)
            if rec["full_text"] not in seen:
                break
        seen.add(rec["full_text"])
        records.append(rec)
    R.shuffle(records)
    return records


def main() -> None:
    records = build()
    OUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for rec in records:
        for s in rec["spans"]:
            counts[s["entity_type"]] = counts.get(s["entity_type"], 0) + 1
    for k in sorted(counts):
        print(f"{k:18} {counts[k]}")
    print(f"messages {len(records)}, clean {sum(not r['spans'] for r in records)}")


if __name__ == "__main__":
    main()
