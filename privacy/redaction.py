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
from datetime import date
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


# NHS number: 3-3-4 digits (separators optional) or 4-3-3, separated by runs of spaces or a
# dash, dot or slash; or ten single digits spaced out (not the tail of a longer run). Valid
# only with its check digit.
_SEP = r"(?:[ \t]*[-./][ \t]*|[ \t]+)"
NHS_NUMBER = re.compile(
    rf"(?<![\d+])(?:\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{4}}|\d{{4}}{_SEP}\d{{3}}{_SEP}\d{{3}})(?!\d)"
    r"|(?<![\d+][ \t])(?<![\d+])\d(?:[ \t]\d){9}(?![ \t]?\d)"
)


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
        if nhs_number_is_valid(re.sub(r"\D", "", match.group())):
            yield Finding("NHS_NUMBER", match.start(), match.end())


# "MRN", "hospital no", "hospital ID no", "medical record number", "case note no", ...
_NUMBER_WORD = r"(?:id(?:entifier)?|no|num|number)\b\.?"
HOSPITAL_CUE = re.compile(
    r"\b(?:mrn|(?:medical\s+records?|hospital|hosp|unit|pas|patient|pt|case(?:\s+notes?)?|k)"
    rf"\.?\s*{_NUMBER_WORD})(?:\s*{_NUMBER_WORD})?"
    r"\s*(?:is\s*)?[:#=-]?\s*([a-z]{0,4}-?\d[\da-z]{4,11})\b",
    re.IGNORECASE,
)
TRUST_STYLE_NUMBER = re.compile(r"\b[A-Z]{3}\d{6}\b", re.IGNORECASE)


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
        if raw.startswith("00"):  # dialled from abroad: 0044 is +44
            raw, digits = "+" + raw[2:], digits[2:]
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
    r"(\d[A-Z\d]?)[ \t]*(\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def _postcodes(text: str) -> Iterator[Finding]:
    for match in POSTCODE.finditer(text):
        yield Finding("POSTCODE", match.start(), match.end())


MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
ROMAN_MONTH = r"(?:xi{0,2}|i[vx]|vi{0,3}|i{1,3})"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN = r"(?:ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen)"
_ORDINAL = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
DAY_WORDS = (  # first .. thirty-first
    rf"(?:(?:twenty[\s-]?)?{_ORDINAL}|thirty[\s-]?first|tenth|eleventh|twelfth"
    r"|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth)"
)
_TENS = rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]?{_UNIT})?)"
YEAR_WORDS = (  # nineteen sixty-one, nineteen oh five, two thousand and five, twenty twenty
    rf"(?:(?:nineteen|twenty)\s+(?:{_TENS}|{_TEEN}|oh[\s-]?{_UNIT}|hundred)"
    rf"|two\s+thousand(?:(?:\s+and)?\s+(?:{_TENS}|{_TEEN}|{_UNIT}))?)"
)
YEAR = rf"(?:\d{{4}}|'?\d{{2}}|{YEAR_WORDS})"
BIRTH_CUE = r"(?:\bd\.?o\.?b\.?|\bborn(?:\s+on)?|\bdate\s+of\s+birth)\s*(?:is\s+)?[:=-]?\s*"
DATES = [
    # 12/03/1961, 12-03-61; with full stops only with a four-digit year or two-digit parts
    # throughout (18.06.24), since 3.6.21 is a version number
    re.compile(
        r"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])([/-])(?:1[0-2]|0?[1-9])\1(?:\d{4}|\d{2})(?![\d/])"
    ),
    re.compile(r"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\.\d{4}(?![\d.])"),
    re.compile(r"(?<![\d.])(?:[12]\d|3[01]|0[1-9])\.(?:1[0-2]|0[1-9])\.\d{2}(?![\d.])"),
    re.compile(r"(?<![\d-])(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])(?![\d-])"),
    # 12/iii/1961, 12.III.61
    re.compile(
        rf"(?<![\d.])(?:[12]\d|3[01]|0?[1-9])([/.-]){ROMAN_MONTH}\1"
        r"(?:\d{4}|\d{2})(?!\d|[/.]\d)",
        re.I,
    ),
    # any dotted or spaced date once a birth cue says it is one: "dob 2.9.71", "dob 12 03 1961"
    re.compile(
        BIRTH_CUE + r"(?P<date>(?:[12]\d|3[01]|0?[1-9])(?P<sep>[. ])(?:1[0-2]|0?[1-9])(?P=sep)"
        r"(?:\d{4}|\d{2}))(?![\d.])",
        re.I,
    ),
    re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR}(?!\d))?(?![a-z])", re.I),
    re.compile(rf"\b{MONTH}\s+{DAY}(?![\d:])(?:,?\s+\d{{4}}(?!\d))?(?![a-z])", re.I),
    # in words, with "of" or a year, as "the second march" is not a date
    re.compile(
        rf"\b{DAY_WORDS}\s+(?:of\s+{MONTH}(?:,?\s+{YEAR})?|{MONTH},?\s+{YEAR})(?![a-z])", re.I
    ),
]
# Digits without separators are a date only if they make one (12031961); six of them (120361)
# only after a birth cue, since six-digit references are common.
COMPACT_DATES = [
    re.compile(r"(?<![\d./-])\b(?P<d>\d\d)(?P<m>\d\d)(?P<y>(?:19|20)\d\d)\b(?![./-]\d)"),
    re.compile(BIRTH_CUE + r"(?P<d>\d\d)(?P<m>\d\d)(?P<y>\d{4}|\d\d)\b(?![./-]\d)", re.I),
]


def _is_date(day: str, month: str, year: str) -> bool:
    try:  # a two-digit year is read as 20yy, so that 29 February 2000 stays a date
        date(int(year) if len(year) == 4 else 2000 + int(year), int(month), int(day))
    except ValueError:
        return False
    return True


# "release 12.11.61" is a version whatever it looks like
VERSION_CUE = re.compile(r"\b(?:v|version|release|build)\.?\s*$", re.I)


def _date_spans(text: str) -> Iterator[Tuple[int, int]]:
    for pattern in DATES:
        for match in pattern.finditer(text):
            yield match.span("date" if "date" in pattern.groupindex else 0)
    for pattern in COMPACT_DATES:
        for match in pattern.finditer(text):
            if _is_date(*match.group("d", "m", "y")):
                yield match.start("d"), match.end("y")


def _dates(text: str) -> Iterator[Finding]:
    for start, end in _date_spans(text):
        if not VERSION_CUE.search(text, 0, start):
            yield Finding("DATE", start, end)


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


# Phones before NHS numbers: "+44 7700 900 000" is a phone whose last ten digits may pass the
# NHS check; a phone number needs a leading 0, + or 00, which NHS numbers do not have.
RECOGNISERS = (_emails, _phones, _nhs_numbers, _hospital_numbers, _postcodes, _dates, _names)


def _non_overlapping(findings: Iterable[Finding]) -> List[Finding]:
    chosen: List[Finding] = []
    for finding in findings:  # earlier recognisers win
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def redact(text: str) -> Redaction:
    """Replace every identifier found with a typed placeholder such as [NHS_NUMBER]."""
    # Longest first within a recogniser: "fifth of June 3 pts" yields "fifth of June", not "June 3"
    findings = _non_overlapping(
        f
        for recognise in RECOGNISERS
        for f in sorted(recognise(text), key=lambda f: f.start - f.end)
    )
    parts, position = [], 0
    for finding in findings:
        parts += [text[position : finding.start], f"[{finding.type}]"]
        position = finding.end
    parts.append(text[position:])
    return Redaction("".join(parts), tuple(findings))
