"""Validation and normalisation of UK identifiers and postcodes.

Each normaliser returns a canonical form or raises ValidationError with a message a provider can act on.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# England and Wales charities: 6 or 7 digits (e.g. 1012345), optionally a "-N" subsidiary suffix.
_CHC = re.compile(r"^\d{6,7}(-\d{1,2})?$")
_SC = re.compile(r"^SC\d{6}$")  # Scottish Charity Regulator
_NIC = re.compile(r"^NIC?\d{6}$")  # Charity Commission for Northern Ireland: NIC100002 or 100002
# Companies House: 8 characters, digits or a two-letter jurisdiction/type prefix and 6 digits.
_COMPANY = re.compile(
    r"^(\d{8}|(SC|NI|OC|SO|NC|R0|IP|SP|RS|NF|FC|LP|SL|NL|CE|CS|GE|GS|GN|NO|NP|NR|NZ|ZC|SZ|SE|IC)\d{6})$"
)
# UK postcode (the pattern the government's data standards publish, with GIR 0AA and BFPO excluded).
_POSTCODE = re.compile(r"^(([A-Z]{1,2}[0-9][A-Z0-9]?|ASCN|STHL|TDCU|BBND|[BFS]IQQ|PCRN|TKCA) ?[0-9][A-Z]{2}|GIR ?0AA)$")


def _squash(value):
    return re.sub(r"\s+", "", (value or "")).upper()


def normalise_charity_number(value):
    """Return (register, number) where register is 'CHC', 'SC' or 'NIC'."""
    number = _squash(value)
    if not number:
        return None
    if _CHC.match(number):
        return ("CHC", number)
    if _SC.match(number):
        return ("SC", number)
    if _NIC.match(number):
        return ("NIC", number if number.startswith("NIC") else "NIC" + number)
    raise ValidationError(
        "Enter a charity number in the right format: 6 or 7 digits for England and Wales (like 1012345), "
        "SC and 6 digits for Scotland (like SC012345), or NIC and 6 digits for Northern Ireland.",
        code="invalid_charity_number",
    )


def normalise_company_number(value):
    number = _squash(value)
    if not number:
        return ""
    if number.isdigit() and len(number) < 8:
        # Companies House numbers are 8 characters; people often drop the leading zeros.
        number = number.zfill(8)
    if not _COMPANY.match(number):
        raise ValidationError(
            "Enter a company number in the right format: 8 digits (like 01234567), or 2 letters and 6 digits "
            "(like SC123456).",
            code="invalid_company_number",
        )
    return number


def normalise_postcode(value):
    compact = _squash(value)
    if not compact:
        raise ValidationError("Enter a postcode.", code="required")
    formatted = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.match(formatted):
        raise ValidationError("Enter a real UK postcode, like DA6 7AT.", code="invalid_postcode")
    return formatted


def validate_charity_number(value):
    normalise_charity_number(value)


def validate_company_number(value):
    normalise_company_number(value)


def validate_postcode(value):
    normalise_postcode(value)


def comparable_name(name):
    """A person's name reduced for comparison: Unicode-normalised (NFKC, so "ﬁ" and "fi", or a composed and a
    decomposed "é", are the same), case-folded, with all spacing removed."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def names_match(typed, account_name):
    """Whether a typed name is the account's name, ignoring case, spacing and Unicode form."""
    return bool(comparable_name(account_name)) and comparable_name(typed) == comparable_name(account_name)


# --- organisation names --------------------------------------------------------------------------------------
# Two names that a reader cannot tell apart must not both be registered. ``organisation_name_key`` reduces a
# name to what a reader sees: compatibility forms folded (NFKC: full-width letters, ligatures), invisible and
# bidirectional control characters removed, accents dropped, letters from other alphabets that pass for Latin
# ones (Cyrillic "а", Greek "Ο") read as those Latin letters, curly quotes and dashes as straight ones,
# case folded, whitespace collapsed and trailing punctuation ("Bexley Aid.") ignored.

# Characters that show as blank space though Unicode calls them letters or symbols (Hangul fillers, the
# Braille blank, the Mongolian vowel separator).
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic capitals and small letters that look like Latin ones
        **dict(zip("АВЕІЈКМНОРСЅТУХҮҺԀԚԜӀ", "ABEIJKMHOPCSTYXYHDQWI", strict=True)),
        **dict(zip("аеіјкорсѕухүһԁԛԝӏ", "aeijkopcsyxyhdqwl", strict=True)),
        # Greek capitals and small letters that look like Latin ones
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        **dict(zip("αικνορυχγ", "aikvopuxy", strict=True)),
        "ı": "i",  # dotless i
        # Quotes, apostrophes and dashes
        **dict.fromkeys("‘’‚‛′`´ʹʻʼʽˈ", "'"),
        **dict.fromkeys("“”„‟″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def organisation_name_key(name: str) -> str:
    """The form of an organisation's name used to compare it with others (see the note above)."""
    text = unicodedata.normalize("NFKC", name or "")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width spaces and joiners, bidirectional controls, soft hyphens
            continue
        kept.append(" " if category == "Cc" or char in _BLANK_LOOKING else char)
    text = unicodedata.normalize("NFKD", "".join(kept))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.translate(_LOOKALIKES).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    while text and unicodedata.category(text[-1]).startswith("P"):
        text = text[:-1].rstrip()
    return text
