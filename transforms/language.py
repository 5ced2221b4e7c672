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

import numpy as np

UNDETERMINED = "und"
MIN_WORDS = 12  # fewer words than this: too short to tell from the text alone
MIN_PROBABILITY = 0.8  # below this the identifier is unsure: a mixed or odd text
SAMPLE_CHARS = 3000  # more text costs time and changes no verdict on news prose
_WORD = re.compile(r"\w+", re.UNICODE)


@cache
def _identifier() -> Any:
    # loaded once per process, from the model file inside the py3langid wheel
    from py3langid.langid import MODEL_FILE

    return _vectorised_class().from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _vectorised_class() -> Any:
    """py3langid's identifier with its feature counting done by numpy, same scores.

    py3langid walks its byte n-gram automaton one byte at a time in Python (2.5 ms per
    3,000-character sample, the largest cost of preparing a text batch). The
    automaton is an Aho-Corasick one: the state after a byte is the longest suffix
    of the text so far that is a prefix of one of its n-grams, so it depends on the
    last `depth` bytes only (`depth` is the longest n-gram, found from the automaton
    itself). Every state is then one walk of `depth` steps from the start over the
    bytes that end at it, and all the walks run as `depth` array lookups. Features are
    counted in the order they first occur, as py3langid's Counter does, and the scores
    use a float32 copy of its float16 table, which is what its matrix product computes
    with: the scores are bit-identical (tested against the stock identifier).
    """
    from py3langid.langid import LanguageIdentifier

    class VectorisedIdentifier(LanguageIdentifier):  # type: ignore[misc]
        __slots__ = ("_depth", "_moves", "_outputs", "_rows")

        def __init__(self, nb_ptc: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(np.asarray(nb_ptc, dtype=np.float32), *args, **kwargs)
            self._moves = np.frombuffer(self.tk_nextmove, dtype=self.tk_nextmove.typecode)
            self._rows = np.asarray(self._rowbase, dtype=np.int64)
            self._outputs = np.asarray(self.tk_output, dtype=np.int64)
            self._depth = _automaton_depth(self._moves, self._rows)

        def _raw_score(self, text: bytes) -> Any:
            states = _states(
                np.frombuffer(text, dtype=np.uint8), self._moves, self._rows, self._depth
            )
            features = self._outputs[states]
            features = features[features >= 0]
            if not len(features):
                return super()._raw_score(b"")  # py3langid's own answer for no features
            found, first, counts = np.unique(features, return_index=True, return_counts=True)
            order = np.argsort(first, kind="stable")
            weights = np.log1p(counts[order].astype(np.float32))
            return weights @ self.nb_ptc[found[order]] + self.nb_pc

    return VectorisedIdentifier


def _automaton_depth(moves: np.ndarray, rows: np.ndarray) -> int:
    """The length of the longest string a state stands for (breadth first from the start)."""
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier = np.array([0], dtype=np.int64)
    every_byte = np.arange(256, dtype=np.int64)
    depth = 0
    while True:
        reached = np.zeros(len(rows), dtype=bool)
        reached[moves[(rows[frontier][:, None] + every_byte).ravel()]] = True
        reached &= ~seen
        if not reached.any():
            return depth
        seen |= reached
        frontier = np.flatnonzero(reached)
        depth += 1


def _states(data: np.ndarray, moves: np.ndarray, rows: np.ndarray, depth: int) -> np.ndarray:
    """The automaton's state after each byte of `data`, as its byte-by-byte walk gives."""
    n = len(data)
    out = np.empty(n, dtype=np.int64)
    state = 0
    for i in range(min(depth - 1, n)):  # the first bytes: walked from the start
        state = int(moves[rows[state] + data[i]])
        out[i] = state
    if n >= depth:
        m = n - depth + 1
        walk = np.zeros(m, dtype=np.int64)
        for k in range(depth):  # every later state: a walk over the `depth` bytes ending there
            walk = moves[rows[walk] + data[k : k + m]]
        out[depth - 1 :] = walk
    return out


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
