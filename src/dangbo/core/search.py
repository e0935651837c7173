"""The one ranking rule for finding people and organisations by name.

Used by the member list's search and by the type-ahead pickers, so that both answer alike:

- **whole words, accents folded**: "huong" finds Hương and Hường, never Phương (a word must
  start where a name's word starts; in type-ahead the last word may be the start of one);
- **a typed accent is respected**: "Lân" lists Lân before Lan, "Lan" (no accents) both alike;
- **the exact full name first**: as typed, then with accents folded.

``name_q`` and ``ranked`` say it to the database (indexable on the folded column:
``LIKE 'w %'``/``'% w %'`` patterns, which the trigram index serves on PostgreSQL);
``matches`` and ``rank`` say it in Python for short candidate lists.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat

from .text import fold, nfc, strip_control

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Terms:
    """What a person typed, ready to match: ``words`` folded; ``accented`` the typed words
    that carry accents (title-cased as names are written), which rank first where they
    appear as typed; ``prefix``: the last word may be the start of a name's word."""

    text: str
    folded: str
    words: tuple[str, ...]
    accented: tuple[tuple[int, str], ...]
    prefix: bool

    @property
    def titled(self) -> str:
        return " ".join(_title(w) for w in self.text.split(" "))


def _title(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def terms(text: str | None, *, prefix: bool = False) -> Terms | None:
    """The search terms of ``text``, or None when nothing searchable was typed."""
    text = " ".join(nfc(strip_control(text or "")).split())[:MAX_QUERY_LENGTH]
    folded = fold(text)
    if not folded:
        return None
    typed = text.split(" ")
    words = tuple(folded.split(" "))
    accented: tuple[tuple[int, str], ...] = ()
    if len(typed) == len(words):  # a typed word folding to nothing would shift the pairs
        accented = tuple(
            (i, _title(word)) for i, word in enumerate(typed) if fold(word) != word.lower()
        )
    return Terms(text=text, folded=folded, words=words, accented=accented, prefix=prefix)


def _is_last(t: Terms, i: int) -> bool:
    return t.prefix and i == len(t.words) - 1


def _word_start_q(field: str, word: str) -> Q:
    """A word of the folded ``field`` starts with ``word`` (type-ahead's last word)."""
    return Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})


def name_q(t: Terms, field: str = "search_name") -> Q:
    """Every typed word is a whole word of the folded ``field`` (the last one may be a
    word's start when ``t.prefix``)."""
    q = Q()
    for i, word in enumerate(t.words):
        if _is_last(t, i):
            q &= _word_start_q(field, word)
        else:
            q &= (
                Q(**{field: word})
                | Q(**{f"{field}__startswith": f"{word} "})
                | Q(**{f"{field}__contains": f" {word} "})
                | Q(**{f"{field}__endswith": f" {word}"})
            )
    return q


class Words(Func):
    """The folded name's words as a text array: what the PostgreSQL word index holds
    (``string_to_array(search_name::text, ' ')``, migration members 0011)."""

    function = "string_to_array"
    template = "string_to_array(%(expressions)s::text, ' ')"

    def __init__(self, field: str):
        from django.contrib.postgres.fields import ArrayField  # PostgreSQL only

        super().__init__(F(field), output_field=ArrayField(TextField()))


def words_q(t: Terms, queryset, field: str = "search_name"):
    """``name_q`` through the word index (PostgreSQL): the whole words by array containment,
    which a GIN index answers at once for a rare name, and the typed start of the last word
    as ``name_q`` says it. Returns the queryset with the words aliased, and the Q."""
    whole = [w for i, w in enumerate(t.words) if not _is_last(t, i)]
    q = Q()
    if whole:
        queryset = queryset.alias(search_words=Words(field))
        q &= Q(search_words__contains=whole)
    if t.prefix:
        q &= _word_start_q(field, t.words[-1])
    return queryset, q


def fts_query(t: Terms) -> str:
    """``name_q`` as an SQLite FTS5 query over the folded name's words: each typed word a
    whole word (a phrase, quoted so that nothing typed is read as FTS syntax), the last one a
    word's start when ``t.prefix``. A superset of ``name_q``'s matches (FTS5 also splits on
    an apostrophe), which callers narrow with ``name_q`` itself."""
    parts = []
    for i, word in enumerate(t.words):
        quoted = '"' + word.replace('"', '""') + '"'
        parts.append(quoted + ("*" if _is_last(t, i) else ""))
    return " AND ".join(parts)


def ranked(queryset, t: Terms, name: str = "full_name", folded: str = "search_name"):
    """``queryset`` annotated with ``rank_exact`` (0: the full name as typed, 1: the same with
    accents folded, 2: else) and ``rank_misses`` (typed accented words not found as typed),
    to order by first (``RANK_ORDER``)."""
    misses: Any = Value(0)
    if t.accented:
        queryset = queryset.annotate(search_padded=Concat(Value(" "), F(name), Value(" ")))
        missed = []
        for i, word in t.accented:
            pattern = f" {word}" if _is_last(t, i) else f" {word} "
            missed.append(
                Case(
                    When(search_padded__contains=pattern, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        misses = sum(missed[1:], missed[0])
    return queryset.annotate(rank_exact=_exact(t, name, folded), rank_misses=misses)


RANK_ORDER = ("rank_exact", "rank_misses")


def _exact(t: Terms, name: str, folded: str):
    return Case(
        When(Q(**{name: t.titled}), then=Value(0)),
        When(Q(**{folded: t.folded}), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def matches(t: Terms, name: str) -> bool:
    """``name`` matches ``t`` by the same rule as ``name_q``."""
    have = fold(name).split(" ")
    for i, word in enumerate(t.words):
        if _is_last(t, i):
            if not any(h.startswith(word) for h in have):
                return False
        elif word not in have:
            return False
    return True


def rank(t: Terms, name: str) -> tuple[int, int]:
    """(exact, misses) as ``rank_annotations`` computes them: lower ranks first."""
    lowered = name.lower()
    if lowered == t.text.lower():
        exact = 0
    elif fold(name) == t.folded:
        exact = 1
    else:
        exact = 2
    have = lowered.split(" ")
    misses = 0
    for i, word in t.accented:
        word = word.lower()
        found = any(h.startswith(word) for h in have) if _is_last(t, i) else word in have
        misses += not found
    return exact, misses
