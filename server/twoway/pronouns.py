"""Who a pronoun points at: the reader (you) or the seller (I, we). The stats, the guards, the
alignment score and the pronoun-ratio rules read these sets; nothing else lists them."""
from __future__ import annotations

import re

READER_WORDS = ("you", "your", "yours", "yourself", "yourselves")
SELLER_WORDS = ("I", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves")


def _words_pattern(words) -> re.Pattern:
    return re.compile(r"\b(?:%s)\b" % "|".join(words), re.IGNORECASE)


READER_PRONOUNS = _words_pattern(READER_WORDS)
SELLER_PRONOUNS = _words_pattern(SELLER_WORDS)

# By the names rule files use (a `ratio` rule's numerator or denominator) and the stats report.
PRONOUN_SETS = {"reader_pronouns": READER_PRONOUNS, "seller_pronouns": SELLER_PRONOUNS}
