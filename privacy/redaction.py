"""Find and replace patient-identifiable details in a message before anything sees it.

Pattern recognisers with validation, in the manner of Presidio's (whose UkNhsRecognizer also
checks the modulus-11 digit); Presidio itself cannot be installed beside Rasa 3.6, which pins
pydantic 1 and an older `regex`, and it wants a spaCy model that cannot be downloaded here.
Phone numbers use Google's libphonenumber (`phonenumbers`). Names are found only with a cue
(a title, "patient ...", "called ..."), since no offline name model is available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, List, Tuple

import phonenumbers
from phonenumbers import Leniency

WORDS = Path(__file__).resolve().parent / "words"


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: Tuple[Finding, ...]

    @property
    def types(self) -> List[str]:
        return sorted({f.type for f in self.findings})


@lru_cache(maxsize=None)
def _words(name: str) -> frozenset:
    lines = (WORDS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


# NHS number: 3-3-4 digits, spaces or dashes optional; valid only with its check digit.
NHS_NUMBER = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=False)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for match in NHS_NUMBER.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            yield Finding("NHS_NUMBER", match.start(), match.end())


HOSPITAL_CUE = re.compile(
    r"\b(?:mrn|hospital\s*(?:no|num|number)|hosp\.?\s*(?:no|num|number)|unit\s*(?:no|number)"
    r"|pas\s*(?:no|number)|patient\s*(?:id|no|number)|case\s*(?:no|number)|k\s*number)"
    r"\.?\s*(?:is\s*)?[:#=-]?\s*([a-z]{0,4}-?\d[\da-z]{4,11})\b",
    re.IGNORECASE,
)
TRUST_STYLE_NUMBER = re.compile(r"\b[A-Z]{3}\d{6}\b")


def _hospital_numbers(text: str) -> Iterator[Finding]:
    for match in HOSPITAL_CUE.finditer(text):
        yield Finding("HOSPITAL_NUMBER", match.start(1), match.end(1))
    for match in TRUST_STYLE_NUMBER.finditer(text):
        yield Finding("HOSPITAL_NUMBER", match.start(), match.end())


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _emails(text: str) -> Iterator[Finding]:
    for match in EMAIL.finditer(text):
        yield Finding("EMAIL", match.start(), match.end())


def _phones(text: str) -> Iterator[Finding]:
    # POSSIBLE finds numbers in drama and unallocated ranges too; the shape test then keeps
    # only UK-dialled forms, so doses, years and counts are not taken for phone numbers.
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        raw = match.raw_string.lstrip("(")
        digits = re.sub(r"\D", "", raw)
        uk_shaped = (raw.startswith("0") and len(digits) in (10, 11)) or (
            raw.startswith("+") and 11 <= len(digits) <= 13
        )
        if uk_shaped:
            yield Finding("PHONE", match.start, match.end)


POSTCODE_AREAS = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE "
    "LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL "
    "SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
).split()
POSTCODE = re.compile(
    r"\b(" + "|".join(sorted(POSTCODE_AREAS, key=len, reverse=True)) + r")"
    r"(\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def _postcodes(text: str) -> Iterator[Finding]:
    for match in POSTCODE.finditer(text):
        yield Finding("POSTCODE", match.start(), match.end())


MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
DATES = [
    # 12/03/1961, 12-03-61; with full stops only with a four-digit year or two-digit parts
    # throughout (18.06.24), since 3.6.21 is a version number
    re.compile(
        r"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])([/-])(?:1[0-2]|0?[1-9])\1(?:\d{4}|\d{2})(?![\d/])"
    ),
    re.compile(r"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\.\d{4}(?![\d.])"),
    re.compile(r"(?<![\d.])(?:[12]\d|3[01]|0[1-9])\.(?:1[0-2]|0[1-9])\.\d{2}(?![\d.])"),
    re.compile(r"(?<![\d-])(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])(?![\d-])"),
    # any dotted date once a birth cue says it is one: "dob 2.9.71"
    re.compile(
        r"(?:\bd\.?o\.?b\.?|\bborn(?:\s+on)?|\bdate\s+of\s+birth)\s*(?:is\s+)?[:=-]?\s*"
        r"(?P<date>(?:[12]\d|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:\d{4}|\d{2}))(?![\d.])",
        re.I,
    ),
    re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+(?:\d{{4}}|'?\d{{2}})(?!\d))?(?![a-z])", re.I),
    re.compile(rf"\b{MONTH}\s+{DAY}(?![\d:])(?:,?\s+\d{{4}}(?!\d))?(?![a-z])", re.I),
]


def _dates(text: str) -> Iterator[Finding]:
    for pattern in DATES:
        for match in pattern.finditer(text):
            span = "date" if "date" in pattern.groupindex else 0
            yield Finding("DATE", match.start(span), match.end(span))


TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|professor)\.?"
WORD = r"[^\W\d_](?:[^\W\d_]|['’-])*"  # letters of any alphabet: Wiśniewski, Siobhán
# The name is read in a look-ahead, so "Mr and Mrs Adebayo" still finds the second cue.
NAME_CUE = re.compile(
    rf"\b(?:(?P<title>{TITLE})|(?P<said>(?:her|his|their)\s+name\s+(?:is|was))"
    r"|(?P<patient>(?:my\s+)?(?:patient|pt|service\s+user)(?:\s+(?:called|named))?)"
    r"|(?P<person>(?:lady|man|woman|gentleman|gent|girl|boy|chap|guy|person|someone|relative"
    r"|daughter|son|wife|husband|mum|mother|dad|father|partner)\s+(?:called|named))"
    r"|(?P<called>called|named))\s+"
    rf"(?=(?P<initial>[A-Za-z]\.\s*)?(?P<first>{WORD})(?:\s+(?P<second>{WORD}))?)",
    re.IGNORECASE,
)


def _is_name_word(word: str, cue: str) -> bool:
    lower = re.sub(r"['’]s$", "", word.lower())
    if lower in _words("not_names") or len(lower) < 2:
        return False
    if cue in ("title", "said"):
        return True
    if re.fullmatch(TITLE, lower) or (word.isupper() and len(word) <= 4):
        return False  # "pt Mr. Eze", "pt DOB is": a title or an abbreviation, not the name
    if cue in ("patient", "person"):
        return word[0].isupper() or lower in _words("first_names")
    return lower in _words("first_names")  # "called" alone: only a known first name


def _names(text: str) -> Iterator[Finding]:
    for match in NAME_CUE.finditer(text):
        cue = next(g for g in ("title", "said", "patient", "person", "called") if match.group(g))
        first, second = match.group("first"), match.group("second")
        if not _is_name_word(first, cue):
            continue
        start = match.start("initial") if match.group("initial") else match.start("first")
        end = match.end("first")
        # A surname: capitalised after a capitalised first name, or any uncommon word when
        # the whole name is typed in lower case.
        if (
            second
            and (second[0].isupper() or first[0].islower())
            and _is_name_word(second, "title")
        ):
            end = match.end("second")
        yield Finding("NAME", start, end)


RECOGNISERS = (_emails, _nhs_numbers, _hospital_numbers, _phones, _postcodes, _dates, _names)


def _non_overlapping(findings: Iterable[Finding]) -> List[Finding]:
    chosen: List[Finding] = []
    for finding in findings:  # earlier recognisers win
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def redact(text: str) -> Redaction:
    """Replace every identifier found with a typed placeholder such as [NHS_NUMBER]."""
    findings = _non_overlapping(f for recognise in RECOGNISERS for f in recognise(text))
    parts, position = [], 0
    for finding in findings:
        parts += [text[position : finding.start], f"[{finding.type}]"]
        position = finding.end
    parts.append(text[position:])
    return Redaction("".join(parts), tuple(findings))
