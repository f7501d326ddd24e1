"""Recognizers for secrets a customer must never share: PIN, password, one-time code, security answer.

Each value is only a secret because of the phrase before it ("my PIN is",
"the code you sent is"), so the phrase sits in a lookbehind and the match, the
redacted span, is the value alone. These cues are explicit, so they score high
without further context.
"""

from __future__ import annotations

from typing import List

import regex
from presidio_analyzer import EntityRecognizer, Pattern

from bot.privacy.recognizers.pattern_base import CASE_SENSITIVE_FLAGS, ClassPatternRecognizer, cue_gap

CUE_SCORE = 0.85
# A one-time code outranks a PIN or password cue on the same value ("one-time PIN 482913").
OTP_SCORE = 0.9

_COPULA = r"is|was|are|be|will|should|now|still|currently|set|changed|reset|updated|to|new|it's|its"
_DIGITS_END = r"(?![\d%]|[.,/:-]\d)"


class PinRecognizer(ClassPatternRecognizer):
    """A 4 to 6 digit PIN after "PIN", "PIN number", "PIN code" (or before "is my PIN")."""

    ENTITY = "PIN"
    PATTERNS = [
        Pattern(
            "pin after cue",
            rf"(?<=\bpin(?:\s*(?:number|code|no\.?|#))?{cue_gap(_COPULA)})\d{{4,6}}{_DIGITS_END}",
            CUE_SCORE,
        ),
        # "my PIN was 475821 or 1820": every alternative offered is a PIN.
        Pattern(
            "pin alternative",
            r"(?<=\bpin\b[^.?!\n]{0,30}?\d{4,6}\s*(?:,|or|and|/)\s*(?:maybe\s+|perhaps\s+)?)\d{4,6}(?![\w]|[.,/-]\d)",
            CUE_SCORE,
        ),
        Pattern(
            "pin before cue",
            r"(?<![\w.,/-])\d{4,6}(?=\s+(?:is|was)\s+(?:my|the|our)\s+(?:new\s+|old\s+)?pin\b)",
            CUE_SCORE,
        ),
    ]


# "one-time password" and "one-time passcode" are one-time codes, not passwords.
_PASSWORD_CUE = (
    r"(?<!one[\s-]?time\s)(?<!verification\s)(?<!sms\s)"
    r"\b(?:password|passwd|pwd|passcode|pass\s?phrase|pass\s?word|pw|pasword|passwrd|passowrd|paswd|pswd|pword)\b"
)
# A value people type as a password: a run without spaces holding a digit or a symbol ("letmein$$").
# "!" and "?" count inside the value ("bluebird?9"), not as the sentence's end ("password manager?").
_SYMBOLIC = r"(?=[^\s]{0,63}(?:[\d@#$%^&*_~+=]|[!?](?=[^\s.,;:!?)])))"
_FILLER = r"pls|plz|please|ty|thx|thanks|cheers|asap|lol|x+"
# After "is", these words describe the password rather than being it.
_NOT_A_PASSWORD = (
    r"(?!(?:not|too|the|a|an|my|your|his|her|their|it|this|that|wrong|incorrect|correct|right|expired"
    r"|locked|invalid|reset|changed|required|weak|strong|being|very|so|also|just|same|different|working"
    r"|case|long|short|easy|hard|secure|safe|empty|blank|forgotten|lost|still|now|no|none|missing"
    r"|compromised|stolen|saved|stored|in|on|at|for|and|or|denied|rejected|declined|blocked|accepted"
    r"|refused|disabled|hacked|requested|needed|asked|sent|updated|used|shown|displayed|known)\b)"
)
_PASSWORD_SEP = (
    r"(?:\s*[:=]\s*|\s+(?:is|was|will\s+be|should\s+be|is\s+now|is\s+still|(?:set|changed|reset|updated)"
    r"(?:\s+it)?\s+to)\s+)"
)
_QUOTE_OPEN = r"[\"'“‘]"
_QUOTE_CLOSE = r"[\"'”’]"


class PasswordRecognizer(ClassPatternRecognizer):
    """A password or passcode after "password is", "pwd:", "changed my password to" and the like.

    The value is one run of non-space characters (4 to 64, trailing sentence
    punctuation excluded) or a quoted string; after a bare "password " it must
    hold a digit ("password hunter2", not "password reset").
    """

    ENTITY = "PASSWORD"
    PATTERNS = [
        Pattern(
            "password after cue",
            rf"(?<={_PASSWORD_CUE}{_PASSWORD_SEP}){_NOT_A_PASSWORD}(?!{_QUOTE_OPEN})"
            r"[^\s\"“”]{3,63}[^\s\"'“”’.,;:)]",
            CUE_SCORE,
        ),
        Pattern(
            "password after 'changed my password to'",
            rf"(?<=\b(?:changed|set|reset|updated|switched)\s+(?:my\s+|the\s+|our\s+)?{_PASSWORD_CUE}\s+to\s+)"
            rf"{_NOT_A_PASSWORD}(?!{_QUOTE_OPEN})[^\s\"“”]{{3,63}}[^\s\"'“”’.,;:)]",
            CUE_SCORE,
        ),
        Pattern(
            "quoted password after cue",
            rf"(?<={_PASSWORD_CUE}{_PASSWORD_SEP}{_QUOTE_OPEN})[^\"'“”‘’\n]{{1,64}}(?={_QUOTE_CLOSE})",
            CUE_SCORE,
        ),
        Pattern(
            "password with digits after bare cue",
            rf"(?<={_PASSWORD_CUE}\s)(?=[^\s]{{0,63}}\d){_NOT_A_PASSWORD}[^\s\"“”]{{3,63}}[^\s\"'“”’.,;:)]",
            CUE_SCORE,
        ),
        Pattern(
            "password with symbols after bare cue",
            rf"(?<={_PASSWORD_CUE}\s)(?!(?:{_FILLER})\b){_SYMBOLIC}{_NOT_A_PASSWORD}[^\s\"“”]{{2,63}}[^\s\"'“”’.,;:)]",
            CUE_SCORE,
        ),
        # "tried hunter2! as my password", "hunter2 is my old password".
        Pattern(
            "password before cue",
            rf"(?<![^\s\"'“‘]){_SYMBOLIC}[^\s\"“”]{{3,63}}[^\s\"'“”’.,;:)]"
            rf"(?=\s(?:as|is|was)\s(?:my|the)\s(?:old\s|new\s|current\s)?{_PASSWORD_CUE})",
            CUE_SCORE,
        ),
        # "reset my password, the old one was monkey!07".
        Pattern(
            "password as 'the old one'",
            rf"(?<={_PASSWORD_CUE}[^.?!\n]{{0,30}}\b(?:old|new|current|last)\s(?:one|1)\s(?:is|was|=)\s)"
            rf"{_NOT_A_PASSWORD}[^\s\"“”]{{3,63}}[^\s\"'“”’.,;:)]",
            CUE_SCORE,
        ),
    ]
    # Every cue starts so: "password", "passcode", "pasword", "pw", "pwd", "pswd", "pword".
    PREFILTER = regex.compile(r"(?i)\bp(?:as|w|sw)")


_OTP_CUE = (
    r"\b(?:otp|one[\s-]?time\s+(?:pass)?code|one[\s-]?time\s+(?:password|pin)|(?:2fa|mfa|two[\s-]?factor)(?:\s+code)?"
    r"|(?:verification|verify|confirmation|authentication|authorization|auth|sms|text|login|log[\s-]?in"
    r"|sign[\s-]?in|access)\s+code"
    r"|code\s+(?:that\s+)?(?:you|u|the\s+bank|your\s+bank|the\s+app|your\s+app|it)\s+(?:just\s+)?"
    r"(?:sent|texted|emailed|gave)(?:\s+(?:to\s+)?me)?"
    r"|code\s+(?:i|I)\s+(?:just\s+)?(?:got|received|was\s+sent)"
    r"|code\s+(?:from|in)\s+(?:the|your|my)\s+(?:text|sms|message|e-?mail|app))"
)
_OTP_GAP = cue_gap(r"is|was|it's|its|reads|says|of|today", 2)
# "603 112" and "1234-5678" as well as "603112".
_OTP_VALUE = rf"(?:\d{{3,4}}[ -]\d{{3,4}}|\d{{4,8}}){_DIGITS_END}"


class OneTimeCodeRecognizer(ClassPatternRecognizer):
    """A one-time code (4 to 8 digits, possibly split by one space or dash) after "OTP", "verification code",
    "2FA code", "the code you sent" and similar cues.

    After "security code" a value needs 5 digits or more: 3 or 4 digits there are a card's CVV.
    """

    ENTITY = "ONE_TIME_CODE"
    PATTERNS = [
        Pattern("otp after cue", rf"(?<={_OTP_CUE}{_OTP_GAP}){_OTP_VALUE}", OTP_SCORE),
        Pattern(
            "otp after security code",
            rf"(?<=\bsecurity\s+code{_OTP_GAP})(?:\d{{3,4}}[ -]\d{{3,4}}|\d{{5,8}}){_DIGITS_END}",
            OTP_SCORE,
        ),
    ]


_ANSWER_CUE = (
    r"(?i:\b(?:(?:(?:my\s+)?(?:mother|mom|mum)'?s\s+)?maiden\s+name"
    r"|(?:answer|reply)\s+to\s+(?:my|the)\s+(?:secret|security)\s+question"
    r"|(?:secret|security)\s+(?:answer|word|phrase)|m?e?morable\s+(?:word|place|name|date|phrase)"
    r"|favou?rite\s+(?:teacher|film|movie|book|food|colou?r|band|singer|place|holiday|team|sport)"
    r"|(?:first|childhood|favou?rite)\s+pet(?:'s\s+name)?|name\s+of\s+my\s+first\s+pet"
    r"|pet\s+(?:was\s+)?(?:called|named)"
    r"|first\s+(?:school|car|teacher|boss|street)|childhood\s+(?:nickname|best\s+friend|hero)"
    r"|city\s+(?:where\s+)?I\s+was\s+born(?:\s+in)?|street\s+I\s+grew\s+up\s+on))"
)
_PETS = r"dog|cat|puppy|kitten|hamster|rabbit|fish|bird|parrot|pony|horse"
# "was a dog called Rex": articles and pet kinds may stand between cue and answer.
_ANSWER_GAP = rf"(?i:(?:\s?[:=-])?\s(?:(?:is|was|were|called|named|a|an|the|{_PETS})\s){{0,4}})"
# An answer is up to four capitalised words ("Smith", "van der Berg", "Lincoln Elementary"),
# or one lower-case word that ends the clause ("smith."), or a quoted string.
_PARTICLE = r"(?:of|de|der|den|van|von|la|le|du|da|del|di|the)\s+"
_CAPITALISED = rf"(?:{_PARTICLE}){{0,2}}[A-Z][\w'’-]+(?:\s+(?:{_PARTICLE}){{0,2}}[A-Z][\w'’-]+){{0,3}}"
_LOWER_WORD = (
    r"(?!(?:a|an|the|my|his|her|their|our|not|called|named|still|very|so|really|just|also|too|that|this|it"
    r"|same|none|nothing|unknown|what|which|different|secret|private|easy|hard|wrong|right|correct"
    rf"|is|was|dead|alive|and|but|{_PETS})\b)"
    r"[a-z][\w'’-]{1,30}(?:\s(?!(?:and|but|so|if|" + _FILLER + r")\b)[a-z][\w'’-]{1,30}){0,2}"
    r"(?=\s?(?:[.,;!?)]|$|\s(?:and|but|so|if|" + _FILLER + r")\b))"
)


class SecurityAnswerRecognizer(ClassPatternRecognizer):
    """The answer to a security question ("my mother's maiden name is Smith", "first pet was called Rex").

    Only the answer's words are matched, never the question, and at most four words.
    """

    ENTITY = "SECURITY_ANSWER"
    FLAGS = CASE_SENSITIVE_FLAGS
    PATTERNS = [
        Pattern("answer after cue", rf"(?<={_ANSWER_CUE}{_ANSWER_GAP})(?:{_CAPITALISED}|{_LOWER_WORD})", CUE_SCORE),
        Pattern(
            "quoted answer after cue",
            rf"(?<={_ANSWER_CUE}{_ANSWER_GAP}{_QUOTE_OPEN})[^\"'“”‘’\n]{{1,40}}(?={_QUOTE_CLOSE})",
            CUE_SCORE,
        ),
    ]
    # A word of every cue (a cheap test before the patterns, which look behind at every position).
    PREFILTER = regex.compile(r"(?i)maiden|answer|secret|security|pet\b|first|childhood|morable|favou?rite|born|grew")


def recognizers() -> List[EntityRecognizer]:
    """Fresh instances of the secret recognizers."""
    return [PinRecognizer(), PasswordRecognizer(), OneTimeCodeRecognizer(), SecurityAnswerRecognizer()]
