"""The language of an article: identified from its text, so NLP can be routed by it.

The text decides, not the page's declaration: pages declare their language wrongly
often enough to matter (a German blog served with `lang="en"`, Zulu and Swahili
papers whose template says English), and an English model on a Zulu text gives
noise, not entities. A declared language is used when the text is too short to
tell or the identifier is unsure; with neither, the language is `und`
(undetermined), never a guess.

py3langid (a fork of langid.py: a naive Bayes model over byte n-grams for 97
languages, shipped inside its wheel) identifies the text. On the 158 corpus pages
that declare a language it agrees with 151; the other 7 are the pages whose
declaration is wrong, where it is right. The stop-word guesser it replaces knew 7
languages and got 132 (`BENCHMARKS.md`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

UNDETERMINED = "und"
MIN_WORDS = 12  # fewer words than this: too short to tell from the text alone
MIN_PROBABILITY = 0.8  # below this the identifier is unsure: a mixed or odd text
SAMPLE_CHARS = 3000  # more text costs time and changes no verdict on news prose
_WORD = re.compile(r"\w+", re.UNICODE)


@cache
def _identifier() -> Any:
    # loaded once per process, from the model file inside the py3langid wheel
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The most likely language of a text (ISO 639-1) and its probability."""
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code), float(probability)


def article_language(text: str, declared: str | None = None) -> str:
    """The language to route an article's NLP by: the text's when the identifier is sure,
    else the declared one, else `und`."""
    declared = normalise_language(declared)
    if len(_WORD.findall(text[:SAMPLE_CHARS])) < MIN_WORDS:
        return declared or UNDETERMINED
    code, probability = identify(text)
    if probability >= MIN_PROBABILITY:
        return code
    return declared or UNDETERMINED


def normalise_language(value: str | None) -> str | None:
    """'en-GB', 'en_US', 'EN' -> 'en'; None for values that are not a language tag."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    if code in ("nb", "nn"):
        return "no"  # Bokmål and Nynorsk: the identifier names both Norwegian
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
