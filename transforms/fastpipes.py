"""Exact, faster stand-ins for two stock components of the English model.

`en_core_web_sm` spends about a fifth of its time in two components that do per-token
Python work: the `attribute_ruler` (179 Matcher patterns, then one Span and one
attribute assignment per match, which is one per token since every tag has a rule) and
the rule `lemmatizer` (one `Token` object and one lookup per token). Both compute a pure
function of a few token attributes, so both can be memoised on those attributes and
written back to the Doc as arrays:

- the ruler's single-token patterns read only the attributes named in them (`TAG`,
  `LOWER`, `DEP`, `IS_SPACE` in this model). For each distinct combination the first
  token that has it is matched once by a Matcher that holds only those patterns, and the
  attributes its rules set are remembered. Multi-token patterns ("gon na", "ai n't")
  keep a Matcher of their own; a token they touch replays all its rules in the stock
  order. Later rules win, as in the stock `set_annotations`.
- the lemma of a token is `rule_lemmatize` of its (ORTH, POS, MORPH), which is what the
  stock lemmatizer caches on; each distinct triple is lemmatised once, in document order,
  by the stock method itself.

The output is identical to the stock components (tag, pos, morph, lemma, dep, head of
every token; `tests/unit/test_fastpipes.py` checks it on the model, and
`python -m bench.components --exact` over the benchmark texts). `speed_up(nlp)` swaps
the classes of the two loaded components in place, so their names, configs and tables
stay the stock ones. Anything outside what is described here (patterns on other
attributes, operators, extension attributes, other lemmatizer modes) leaves the
component stock.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS, TAG
from spacy.errors import Warnings
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

# attributes a ruler rule may set here: token fields only, never a lexeme's
_SETTABLE = (POS, TAG, MORPH, LEMMA, DEP)
# pattern keys a single-token rule may read: string attributes compared by hash, and
# boolean flags; the predicates the stock Matcher gives these the same meaning as here
_STRINGS = {"ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA"}
_FLAGS = {name for name in IDS if name.startswith(("IS_", "LIKE_"))}
_PREDICATES = {"IN", "NOT_IN", "REGEX"}
# memo tables are emptied when they reach this size: memory stays flat over a long run
MEMO_LIMIT = 200_000

# one condition of a pattern token: (attribute, kind, value)
Condition = tuple[int, str, Any]
# what a token's attribute values give: the single-token rules that match, the slots of
# multi-token patterns it meets, the final attributes of those rules
Memo = tuple[tuple[int, ...], frozenset[int], dict[int, int]]


def _conditions(token: dict[str, Any]) -> list[Condition] | None:
    """The conditions of one pattern token, or None when it reads anything else (an
    operator, another attribute or predicate), which keeps the stock Matcher for it."""
    out: list[Condition] = []
    for key, value in token.items():
        attr = int(IDS["ORTH" if key == "TEXT" else key]) if key in IDS or key == "TEXT" else -1
        if key in _FLAGS and isinstance(value, bool):
            out.append((attr, "==", int(value)))
        elif key in _STRINGS and isinstance(value, str):
            out.append((attr, "==", get_string_id(value)))
        elif key in _STRINGS and isinstance(value, dict) and set(value) <= _PREDICATES:
            for pred, arg in value.items():
                if pred == "REGEX":
                    out.append((attr, "REGEX", re.compile(arg)))
                else:
                    out.append((attr, pred, frozenset(get_string_id(x) for x in arg)))
        else:
            return None
    return out


def _holds(condition: Condition, value: int, strings: Any) -> bool:
    _, kind, arg = condition
    if kind == "==":
        return bool(value == arg)
    if kind == "IN":
        return value in arg
    if kind == "NOT_IN":
        return value not in arg
    return bool(arg.search(strings[value]))


class _RulePlan:
    """The ruler's patterns evaluated here, token by token, memoised on the attribute
    values they read. A multi-token pattern is one slot per token; it matches at i when
    token i + k meets its slot k for every k. A pattern this cannot evaluate (an operator,
    another attribute) is left to a Matcher of its own."""

    def __init__(self, ruler: AttributeRuler) -> None:
        vocab = ruler.vocab
        self.strings = vocab.strings
        self.multi = Matcher(vocab)  # patterns not evaluable here
        self.has_multi = False
        # multi-token patterns evaluated here: (rule, its length, its slot ids)
        self.sequences: list[tuple[int, int, list[int]]] = []
        self.ok = True
        # single-token patterns (and triggers): the rule each belongs to, its conditions
        self.pattern_rule: list[int] = []
        self.pattern_size: list[int] = []
        self.slots: list[int] = []  # the rule of each slot
        by_attr: dict[int, list[tuple[int, Condition]]] = {}

        def add_pattern(rule: int, conds: list[Condition]) -> None:
            p = len(self.pattern_rule)
            self.pattern_rule.append(rule)
            self.pattern_size.append(len(conds))
            for cond in conds:
                by_attr.setdefault(cond[0], []).append((p, cond))

        for attr_id in range(len(ruler.attrs)):
            if not set(ruler.attrs[attr_id]) <= set(_SETTABLE):
                self.ok = False
            patterns = ruler.matcher.get(vocab.strings[str(attr_id)])[1]
            rest = []
            for pattern in patterns:
                conds = _conditions(pattern[0]) if len(pattern) == 1 else None
                if not conds:
                    rest.append(pattern)
                    continue
                if ruler.indices[attr_id] not in (0, -1):
                    self.ok = False
                add_pattern(attr_id, conds)
            unevaluable = []
            for pattern in rest:
                tokens = [_conditions(token) for token in pattern]
                if not pattern or not all(tokens):
                    unevaluable.append(pattern)
                    continue
                slots = []
                for conds in tokens:
                    slots.append(len(self.slots))
                    self.slots.append(attr_id)
                    add_pattern(-len(self.slots), conds or [])
                self.sequences.append((attr_id, len(pattern), slots))
            if unevaluable:
                self.multi.add(vocab.strings.add(str(attr_id)), unevaluable)
                self.has_multi = True
        self.read: list[Any] = sorted(by_attr)
        # per attribute read: equality and IN conditions as an index from value to
        # patterns; NOT_IN and REGEX conditions, which every new value is tried against
        self.equal: list[dict[int, list[int]]] = []
        self.scan: list[list[tuple[int, Condition]]] = []
        for attr in self.read:
            equal: dict[int, list[int]] = {}
            scan = []
            for p, cond in by_attr[attr]:
                if cond[1] == "==":
                    equal.setdefault(cond[2], []).append(p)
                elif cond[1] == "IN":
                    for value in cond[2]:
                        equal.setdefault(value, []).append(p)
                else:
                    scan.append((p, cond))
            self.equal.append(equal)
            self.scan.append(scan)
        self.attrs: list[dict[int, int]] = list(ruler.attrs)
        self.indices: list[int] = list(ruler.indices)
        # (attribute position, value) -> the patterns whose conditions on it the value meets
        self.met: dict[tuple[int, int], tuple[int, ...]] = {}
        # feature tuple -> (ids of the single-token rules that match, the slots it meets,
        # the final attributes of those rules)
        self.memo: dict[
            tuple[int, ...], tuple[tuple[int, ...], frozenset[int], dict[int, int]]
        ] = {}

    def _met(self, pos: int, value: int) -> tuple[int, ...]:
        met = self.met.get((pos, value))
        if met is None:
            scanned = [p for p, cond in self.scan[pos] if _holds(cond, value, self.strings)]
            met = self.met[(pos, value)] = (*self.equal[pos].get(value, ()), *scanned)
        return met

    def rules_of(self, key: tuple[int, ...]) -> Memo:
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
                self.met.clear()
            counts: dict[int, int] = {}
            for pos, value in enumerate(key):
                for p in self._met(pos, value):
                    counts[p] = counts.get(p, 0) + 1
            met = {self.pattern_rule[p] for p, n in counts.items() if n == self.pattern_size[p]}
            ids = sorted(r for r in met if r >= 0)
            slots = frozenset(-r - 1 for r in met if r < 0)
            final: dict[int, int] = {}
            for attr_id in ids:
                final.update(self.attrs[attr_id])
            hit = self.memo[key] = (tuple(ids), slots, final)
        return hit


class FastAttributeRuler(AttributeRuler):
    """The stock attribute ruler with its single-token rules memoised (same output)."""

    _plan: _RulePlan | None

    def __call__(self, doc: Doc) -> Doc:
        plan = self.__dict__.get("_plan")
        if plan is None or len(plan.attrs) != len(self.attrs):
            plan = self._plan = _RulePlan(self)
        if not plan.ok or not len(doc):
            return super().__call__(doc)
        error_handler = self.get_error_handler()
        try:
            return self._apply(doc, plan)
        except Exception as e:
            return error_handler(self.name, self, [doc], e)

    def _apply(self, doc: Doc, plan: _RulePlan) -> Doc:
        features = doc.to_array(plan.read).reshape(len(doc), -1)
        uniq, inverse = np.unique(features, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        columns: list[Any] = list(_SETTABLE)
        values = doc.to_array(columns).reshape(len(doc), -1)
        new = np.zeros((len(uniq), len(columns)), dtype=values.dtype)
        set_ = np.zeros((len(uniq), len(columns)), dtype=bool)
        rules: list[tuple[int, ...]] = []
        slots: list[frozenset[int]] = []
        for k, row in enumerate(uniq.tolist()):
            ids, met, final = plan.rules_of(tuple(row))
            rules.append(ids)
            slots.append(met)
            for c, attr in enumerate(columns):
                if attr in final:
                    new[k, c] = final[attr]
                    set_[k, c] = True
        merged: Any = np.where(set_[inverse], new[inverse], values)
        doc.from_array(columns, merged)
        if plan.sequences or plan.has_multi:
            self._replay_multi(doc, plan, rules, slots, inverse)
        return doc

    def _replay_multi(
        self,
        doc: Doc,
        plan: _RulePlan,
        rules: list[tuple[int, ...]],
        slots: list[frozenset[int]],
        inverse: Any,
    ) -> None:
        """Tokens a multi-token rule targets: all their rules again, in the stock order."""
        extra: dict[int, set[int]] = {}

        def target(attr_id: int, start: int, end: int) -> None:
            index = plan.indices[attr_id]
            if not -(end - start) <= index < end - start:
                raise ValueError(f"attribute ruler rule {attr_id}: index {index} outside its match")
            extra.setdefault(start + index if index >= 0 else end + index, set()).add(attr_id)

        starts = [i for i, k in enumerate(inverse.tolist()) if slots[k]]
        n = len(doc)
        for i in starts:
            for attr_id, length, pattern_slots in plan.sequences:
                if i + length <= n and all(
                    slot in slots[int(inverse[i + k])] for k, slot in enumerate(pattern_slots)
                ):
                    target(attr_id, i, i + length)
        if plan.has_multi:
            for m_id, start, end in plan.multi(doc, allow_missing=True):
                target(int(doc.vocab.strings[m_id]), start, end)
        for i, ids in sorted(extra.items()):
            for attr_id in sorted(ids | set(rules[int(inverse[i])])):
                set_token_attrs(doc[i], plan.attrs[attr_id])


class FastLemmatizer(Lemmatizer):
    """The stock rule lemmatizer, one `rule_lemmatize` per distinct (orth, pos, morph)."""

    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "rule" or not len(doc) or not self._validated:
            return super().__call__(doc)  # the stock path validates its tables first
        error_handler = self.get_error_handler()
        try:
            return self._apply(doc)
        except Exception as e:
            return error_handler(self.name, self, [doc], e)

    def _apply(self, doc: Doc) -> Doc:
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA]).reshape(len(doc), -1)
        todo = np.arange(len(doc)) if self.overwrite else np.flatnonzero(arr[:, 3] == 0)
        if not len(todo):
            return doc
        uniq, first, inverse = np.unique(
            arr[todo, :3], axis=0, return_index=True, return_inverse=True
        )
        memo: dict[tuple[int, int, int], int] = self.__dict__.setdefault("_lemma_memo", {})
        strings = doc.vocab.strings
        found = np.zeros(len(uniq), dtype=arr.dtype)
        # in document order, as the stock loop would meet them
        for j in np.argsort(first, kind="stable"):
            key = (int(uniq[j, 0]), int(uniq[j, 1]), int(uniq[j, 2]))
            lemma = memo.get(key)
            if lemma is None:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                lemma = memo[key] = strings.add(self._rule_lemma(doc[int(todo[first[j]])]))
            found[j] = lemma
        lemmas: Any = arr[:, 3].copy()
        lemmas[todo] = found[inverse.reshape(-1)]
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def _rule_lemma(self, token: Token) -> str:
        """The first lemma of the stock `rule_lemmatize`, step for step, with the lemma
        index of each part of speech held as a set (the stock method scans a list of
        thousands of words for every candidate form)."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space"):
            if univ_pos == "":
                warnings.warn(Warnings.W108, stacklevel=2)
            return string.lower()
        if self.is_base_form(token):
            return string.lower()
        index, exceptions, rules, any_table = self._tables_for(univ_pos)
        if not any_table:
            return string if univ_pos == "propn" else string.lower()
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms: list[str] = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        return forms[0]

    def _tables_for(
        self, univ_pos: str
    ) -> tuple[frozenset[str], dict[str, list[str]], list[Any], bool]:
        tables: dict[str, Any] = self.__dict__.setdefault("_pos_tables", {})
        hit = tables.get(univ_pos)
        if hit is None:
            index = self.lookups.get_table("lemma_index", {}).get(univ_pos)
            exc = self.lookups.get_table("lemma_exc", {}).get(univ_pos)
            rules = self.lookups.get_table("lemma_rules", {}).get(univ_pos)
            hit = tables[univ_pos] = (
                frozenset(index or ()),
                dict(exc or {}),
                list(rules or []),
                any((index, exc, rules)),
            )
        return hit


def speed_up(nlp: Language) -> Language:
    """Swap the stock attribute ruler and rule lemmatizer of `nlp` for the memoised ones,
    in place (same names, same tables, same output). Other pipelines are left as they are."""
    for name, component in nlp.pipeline:
        cls = type(component)
        if cls is AttributeRuler:
            component.__class__ = FastAttributeRuler
        elif (
            issubclass(cls, Lemmatizer)
            and not issubclass(cls, FastLemmatizer)
            and getattr(component, "mode", None) == "rule"
            # a language whose lemmatizer has rules of its own (French) keeps them
            and getattr(cls, "rule_lemmatize", None) is Lemmatizer.rule_lemmatize
        ):
            component.__class__ = _fast_lemmatizer_class(cls)
        del name
    return nlp


_FAST_CLASSES: dict[type, type] = {}


def _fast_lemmatizer_class(cls: type) -> type:
    """FastLemmatizer over a language's own lemmatizer class (its `is_base_form` kept)."""
    fast = _FAST_CLASSES.get(cls)
    if fast is None:
        fast = _FAST_CLASSES[cls] = type(f"Fast{cls.__name__}", (FastLemmatizer, cls), {})
    return fast
