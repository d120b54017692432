"""Reading answers from a form and checking them (pure: plain data in, plain data out).

A question is anything with the attributes of ``SurveyQuestion`` (id, kind, required, options,
rows, low, high, has_other, show_if_id, show_if_value). ``typed`` is what the form sent: field
name → list of strings, exactly as typed, so a page shown again keeps every character.
Field names: ``q<id>`` (one value or, for multiple choice, several), ``q<id>_other`` (the text
of 「その他」), ``q<id>_r<n>`` (matrix row n), ``q<id>_o<n>`` (the rank given to option n).
Answers: a dict question id (str) → value; a choice is the option's number, -1 for 「その他」,
and its text goes under ``"<id>_other"``.
"""

from collections.abc import Iterable, Mapping
from datetime import date

OTHER = -1
SHORT_MAX = 200
LONG_MAX = 10_000
NUMBER_LIMIT = 10**12


class Problem:
    """Why an answer was refused: ``code`` (see views.PROBLEMS for the words) and values."""

    __slots__ = ("code", "values")

    def __init__(self, code: str, **values):
        self.code, self.values = code, values

    def __eq__(self, other):
        return isinstance(other, Problem) and (self.code, self.values) == (other.code,
                                                                           other.values)

    def __repr__(self):
        return f"Problem({self.code!r}, {self.values!r})"


def is_question(q) -> bool:
    return q.kind not in ("section", "page")


def pages(items: Iterable) -> list[list]:
    """The survey's items split at its page breaks (empty pages dropped)."""
    out: list[list] = [[]]
    for q in items:
        if q.kind == "page":
            out.append([])
        else:
            out[-1].append(q)
    return [page for page in out if page] or [[]]


def scale_range(q) -> range:
    low = 1 if q.low is None else q.low
    high = 5 if q.high is None else q.high
    return range(low, high + 1)


def visible(q, answers: Mapping[str, object]) -> bool:
    """Conditional display: shown unless its condition is set and not met by ``answers``."""
    if q.show_if_id is None or q.show_if_value is None:
        return True
    value = answers.get(str(q.show_if_id))
    if isinstance(value, list):
        return q.show_if_value in value
    return value == q.show_if_value


def _first(typed: Mapping[str, list[str]], name: str) -> str:
    values = typed.get(name) or []
    return (values[0] if values else "").strip()


def _choice(raw: str, q) -> int | None:
    try:
        n = int(raw)
    except ValueError:
        return None
    if n == OTHER and q.has_other:
        return n
    return n if 0 <= n < len(q.options) else None


def read(q, typed: Mapping[str, list[str]]) -> tuple[object, str, Problem | None]:
    """One question's value from ``typed``: (value or None when unanswered, other text, problem)."""
    name = f"q{q.id}"
    other = _first(typed, f"{name}_other")
    if q.kind in ("single", "dropdown"):
        raw = _first(typed, name)
        if not raw:
            return None, "", None
        choice = _choice(raw, q)
        if choice is None:
            return None, "", Problem("bad_choice")
        if choice == OTHER:
            if not other:
                return None, "", Problem("other_empty")
            return choice, other[:SHORT_MAX], None
        return choice, "", None
    if q.kind == "multiple":
        chosen = []
        for raw in typed.get(name) or []:
            choice = _choice(raw.strip(), q)
            if choice is None:
                return None, "", Problem("bad_choice")
            if choice not in chosen:
                chosen.append(choice)
        if not chosen:
            return None, "", None
        if OTHER in chosen and not other:
            return None, "", Problem("other_empty")
        if q.low is not None and len(chosen) < q.low:
            return None, "", Problem("too_few", n=q.low)
        if q.high is not None and len(chosen) > q.high:
            return None, "", Problem("too_many", n=q.high)
        return sorted(chosen), other[:SHORT_MAX] if OTHER in chosen else "", None
    if q.kind == "scale":
        raw = _first(typed, name)
        if not raw:
            return None, "", None
        try:
            value = int(raw)
        except ValueError:
            return None, "", Problem("bad_choice")
        if value not in scale_range(q):
            return None, "", Problem("bad_choice")
        return value, "", None
    if q.kind == "matrix":
        values: list[int | None] = []
        for n in range(len(q.rows)):
            raw = _first(typed, f"{name}_r{n}")
            if not raw:
                values.append(None)
                continue
            try:
                value = int(raw)
            except ValueError:
                return None, "", Problem("bad_choice")
            if value not in scale_range(q):
                return None, "", Problem("bad_choice")
            values.append(value)
        if all(v is None for v in values):
            return None, "", None
        if q.required and any(v is None for v in values):
            return None, "", Problem("rows_missing")
        return values, "", None
    if q.kind == "ranking":
        ranks: dict[int, int] = {}
        for n in range(len(q.options)):
            raw = _first(typed, f"{name}_o{n}")
            if not raw:
                continue
            try:
                rank = int(raw)
            except ValueError:
                return None, "", Problem("bad_rank")
            if not 1 <= rank <= len(q.options):
                return None, "", Problem("bad_rank")
            ranks[n] = rank
        if not ranks:
            return None, "", None
        if len(set(ranks.values())) != len(ranks):
            return None, "", Problem("rank_twice")
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            return None, "", Problem("rank_gap")
        return [option for option, _rank in sorted(ranks.items(), key=lambda item: item[1])], \
            "", None
    if q.kind == "number":
        raw = _first(typed, name).replace(",", "").translate(_WIDE_DIGITS)
        if not raw:
            return None, "", None
        try:
            value = float(raw)
        except ValueError:
            return None, "", Problem("not_a_number")
        if value != value or abs(value) > NUMBER_LIMIT:
            return None, "", Problem("not_a_number")
        if q.low is not None and value < q.low or q.high is not None and value > q.high:
            return None, "", Problem("out_of_range", low=q.low, high=q.high)
        return (int(value) if value.is_integer() else value), "", None
    if q.kind == "date":
        raw = _first(typed, name)
        if not raw:
            return None, "", None
        try:
            return date.fromisoformat(raw).isoformat(), "", None
        except ValueError:
            return None, "", Problem("not_a_date")
    if q.kind in ("short", "long"):
        values_typed = typed.get(name) or []
        text = (values_typed[0] if values_typed else "").strip().replace("\r\n", "\n")
        if not text:
            return None, "", None
        limit = SHORT_MAX if q.kind == "short" else LONG_MAX
        if len(text) > limit:
            return None, "", Problem("too_long", n=limit, length=len(text))
        return text, "", None
    raise ValueError(f"not a question: {q.kind!r}")


_WIDE_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def check(items: Iterable, typed: Mapping[str, list[str]],
          answers: Mapping[str, object] | None = None) -> tuple[dict, dict[int, Problem]]:
    """Read every visible question of ``items`` in order: (answers, problems by question id).

    ``answers`` are those of earlier pages (conditions may refer to them). Hidden questions
    are left out of the answers whatever was typed in them.
    """
    out: dict[str, object] = dict(answers or {})
    problems: dict[int, Problem] = {}
    for q in items:
        if not is_question(q):
            continue
        out.pop(str(q.id), None)
        out.pop(f"{q.id}_other", None)
        if not visible(q, out):
            continue
        value, other, problem = read(q, typed)
        if problem is None and value is None and q.required:
            problem = Problem("required")
        if problem is not None:
            problems[q.id] = problem
            continue
        if value is not None:
            out[str(q.id)] = value
            if other:
                out[f"{q.id}_other"] = other
    return out, problems


def as_typed(items: Iterable, answers: Mapping[str, object]) -> dict[str, list[str]]:
    """The form fields that show ``answers`` (a stored answer shown again, a test's input)."""
    typed: dict[str, list[str]] = {}
    for q in items:
        if not is_question(q) or str(q.id) not in answers:
            continue
        name, value = f"q{q.id}", answers[str(q.id)]
        if q.kind == "matrix":
            for n, v in enumerate(value):
                if v is not None:
                    typed[f"{name}_r{n}"] = [str(v)]
        elif q.kind == "ranking":
            for rank, option in enumerate(value, start=1):
                typed[f"{name}_o{option}"] = [str(rank)]
        elif isinstance(value, list):
            typed[name] = [str(v) for v in value]
        else:
            typed[name] = [str(value)]
        if f"{q.id}_other" in answers:
            typed[f"{name}_other"] = [str(answers[f"{q.id}_other"])]
    return typed


def field_names(items: Iterable) -> set[str]:
    """The prefixes of the fields a page's questions send (to replace a page in a draft)."""
    return {f"q{q.id}" for q in items if is_question(q)}


def belongs(name: str, prefixes: set[str]) -> bool:
    return name in prefixes or name.split("_", 1)[0] in prefixes
