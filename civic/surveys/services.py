"""Surveys for staff and residents: setting up, answering, counting, exporting, importing."""

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import flag_modified

from civic.accounts.permissions import signed_in
from civic.audit.services import record
from civic.extensions import db
from civic.insights import csvio
from civic.security import csv_cell
from civic.surveys import answers as core
from civic.surveys import results
from civic.surveys.models import (
    Survey,
    SurveyAggregate,
    SurveyDraft,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from civic.timeutil import ward_today
from civic.transactions import storing

SURVEY_FIELDS = ("title", "purpose", "audience", "anonymous", "opens_on", "closes_on",
                 "results_public")
QUESTION_FIELDS = ("kind", "label", "help", "required", "options", "rows", "low", "high",
                   "has_other", "show_if_id", "show_if_value")


class AlreadyAnswered(Exception):
    pass


# Setting up ---------------------------------------------------------------------------------------

def save_survey(survey: Survey, data: dict, user, process=None, cafe=None) -> Survey:
    new = survey.id is None
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    if new:
        survey.created_by_id = user.id
        if cafe is not None:
            survey.cafe_id, survey.area_id = cafe.id, cafe.process.area_id
        elif process is not None:
            survey.process_id, survey.area_id = process.id, process.area_id
        else:
            survey.area_id = data.get("area_id") or None
    if "phase_id" in data and survey.process_id is not None:
        survey.phase_id = data["phase_id"] or None
    db.session.add(survey)
    db.session.flush()
    record(user, "surveys.create" if new else "surveys.edit", survey, title=survey.title)
    db.session.commit()
    return survey


def save_question(survey: Survey, question: SurveyQuestion, data: dict, user) -> SurveyQuestion:
    new = question.id is None
    for name in QUESTION_FIELDS:
        if name in data:
            setattr(question, name, data[name])
    if new:
        question.survey_id = survey.id
        question.position = 1 + max((q.position for q in survey.questions), default=-1)
    db.session.add(question)
    db.session.flush()
    _stale(survey)
    record(user, "surveys.question_add" if new else "surveys.question_edit", survey,
           question=question.id, kind=question.kind)
    db.session.commit()
    db.session.refresh(survey)
    return question


def delete_question(survey: Survey, question: SurveyQuestion, user) -> None:
    db.session.execute(update(SurveyQuestion).where(SurveyQuestion.show_if_id == question.id)
                       .values(show_if_id=None, show_if_value=None))
    db.session.delete(question)
    _stale(survey)
    record(user, "surveys.question_delete", survey, question=question.id)
    db.session.commit()
    db.session.refresh(survey)


def move_question(survey: Survey, question: SurveyQuestion, step: int, user) -> None:
    items = list(survey.questions)
    i = items.index(question)
    j = i + step
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        for position, q in enumerate(items):
            q.position = position
        record(user, "surveys.question_move", survey, question=question.id)
        db.session.commit()
        db.session.refresh(survey)


def set_state(survey: Survey, state: str, user) -> None:
    survey.state = state
    record(user, f"surveys.{state}", survey)
    db.session.commit()


def _stale(survey: Survey) -> None:
    db.session.execute(update(SurveyAggregate).where(SurveyAggregate.survey_id == survey.id)
                       .values(version=-1))


def surveys_for(process=None, cafe=None, staff: bool = False) -> list[Survey]:
    query = select(Survey).order_by(Survey.id)
    if cafe is not None:
        query = query.where(Survey.cafe_id == cafe.id)
    elif process is not None:
        query = query.where(Survey.process_id == process.id)
    if not staff:
        query = query.where(Survey.state != "draft")
    return list(db.session.scalars(query))


# Who may answer, and when -------------------------------------------------------------------------

def owning_process(survey: Survey):
    return survey.process or (survey.cafe.process if survey.cafe is not None else None)


def closed_reason(survey: Survey, today: date | None = None) -> str | None:
    """Why the survey takes no answers now (a key of views.CLOSED), or None."""
    today = today or ward_today()
    if survey.state == "draft":
        return "draft"
    if survey.state == "closed" or (survey.closes_on and today > survey.closes_on):
        return "closed"
    if survey.opens_on and today < survey.opens_on:
        return "not_yet"
    if survey.process is not None:
        phase = survey.process.current_phase(today)
        if (phase is None or not phase.surveys_open
                or (survey.phase_id is not None and phase.id != survey.phase_id)):
            return "phase"
    return None


def who_reason(survey: Survey, user) -> str | None:
    """Why ``user`` may not answer (a key of views.WHO), or None."""
    if survey.audience == "anyone":
        return None
    if not signed_in(user):
        return "sign_in"
    if survey.audience == "verified":
        if user.residency is None:
            return "verify"
        if survey.area_id is not None and user.residency.area_id != survey.area_id:
            return "other_area"
    return None


def person_hash(survey_id: int, user_id: int) -> str:
    """The "has answered" mark of an anonymous survey: keyed, so the table alone names nobody."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"survey-participation:{survey_id}:{user_id}".encode(),
                    hashlib.sha256).hexdigest()


def has_answered(survey: Survey, user, guest_marks: list[int]) -> bool:
    if not signed_in(user):
        return survey.id in guest_marks
    if survey.anonymous:
        return db.session.get(SurveyParticipation, (survey.id, person_hash(survey.id, user.id))) \
            is not None
    return db.session.scalar(select(SurveyResponse.id).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.respondent_id == user.id)) \
        is not None


# Drafts -------------------------------------------------------------------------------------------

def new_guest_token() -> str:
    return secrets.token_urlsafe(18)


def draft_of(survey: Survey, owner: str) -> SurveyDraft | None:
    return db.session.scalar(select(SurveyDraft).where(SurveyDraft.survey_id == survey.id,
                                                       SurveyDraft.owner == owner))


def save_draft(survey: Survey, owner: str, page_items, typed_page: dict, page: int) -> SurveyDraft:
    """Replace one page's fields in the person's draft with what they typed on it now."""
    draft = draft_of(survey, owner) or SurveyDraft(survey_id=survey.id, owner=owner, typed={})
    prefixes = core.field_names(page_items)
    typed = {name: values for name, values in (draft.typed or {}).items()
             if not core.belongs(name, prefixes)}
    typed.update({name: values for name, values in typed_page.items()
                  if core.belongs(name, prefixes)})
    draft.typed, draft.page = typed, page
    flag_modified(draft, "typed")
    db.session.add(draft)
    try:
        db.session.commit()
    except IntegrityError:  # the same person's other tab saved first: save over it
        db.session.rollback()
        draft = draft_of(survey, owner)
        draft.typed, draft.page = typed, page
        flag_modified(draft, "typed")
        db.session.commit()
    return draft


# Answering ----------------------------------------------------------------------------------------

def submit(survey: Survey, answers: dict, user=None, channel: str = "web", entered_by=None,
           draft_owner: str | None = None) -> None:
    """Store one answer and count it, in one transaction; AlreadyAnswered if the person has.

    Anonymous surveys store the "has answered" mark and an answer with no person on it.
    """
    respondent = user.id if signed_in(user) and channel == "web" else None
    try:
        if respondent is not None and survey.anonymous:
            db.session.add(SurveyParticipation(survey_id=survey.id,
                                               person_hash=person_hash(survey.id, respondent)))
            respondent = None
        db.session.add(SurveyResponse(
            survey_id=survey.id, respondent_id=respondent, channel=channel,
            entered_by_id=entered_by.id if entered_by is not None else None,
            submitted_on=ward_today(), answers=answers))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered() from None
    _count_one(survey, answers)
    if draft_owner is not None:
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey.id,
                                                     SurveyDraft.owner == draft_owner))
    if entered_by is not None:
        record(entered_by, "surveys.paper_answer", survey)
    db.session.commit()


def _count_one(survey: Survey, answers: dict) -> None:
    # The UPDATE locks the survey's row until the commit: concurrent answers count one at a time.
    db.session.execute(update(Survey).where(Survey.id == survey.id)
                       .values(answer_count=Survey.answer_count + 1))
    version = db.session.scalar(select(Survey.answer_count).where(Survey.id == survey.id))
    agg = db.session.get(SurveyAggregate, survey.id, with_for_update=True)
    if agg is None or agg.version != version - 1:
        return  # not counted yet, or stale: the next reader counts everything once
    agg.data = results.add(agg.data, survey.questions, answers)
    agg.version = version
    flag_modified(agg, "data")


def aggregate(survey: Survey) -> dict:
    """The survey's counts, counted again only when they are stale."""
    agg = db.session.get(SurveyAggregate, survey.id)
    if agg is not None and agg.version == survey.answer_count:
        return agg.data
    return recount(survey)


def recount(survey: Survey) -> dict:
    """Count the answers again and store the counts (also from the read-only results page,
    through a transaction of its own: see civic.transactions.storing)."""
    data = results.count(survey.questions, all_answers(survey))
    version = data["total"]
    with storing() as session:
        agg = session.get(SurveyAggregate, survey.id)
        if agg is None:
            agg = SurveyAggregate(survey_id=survey.id)
            session.add(agg)
        agg.data, agg.version = data, version
        flag_modified(agg, "data")
        session.execute(update(Survey).where(Survey.id == survey.id)
                        .values(answer_count=version))
        try:
            session.commit()
        except IntegrityError:  # another reader stored the same counts first
            session.rollback()
    db.session.refresh(survey)
    return data


def all_answers(survey: Survey, batch: int = 2000) -> Iterator[dict]:
    """Every answer of the survey, read a batch at a time by id. Not a server-side cursor
    (``yield_per``): PostgreSQL opens those only inside a transaction, and read-only requests
    (the public API, results pages) run without one."""
    after = 0
    while True:
        rows = db.session.execute(select(SurveyResponse.id, SurveyResponse.answers)
                                  .where(SurveyResponse.survey_id == survey.id,
                                         SurveyResponse.id > after)
                                  .order_by(SurveyResponse.id).limit(batch)).all()
        for _id, answers in rows:
            yield answers
        if len(rows) < batch:
            return
        after = rows[-1][0]


def choice_questions(survey: Survey) -> list[SurveyQuestion]:
    return [q for q in survey.questions if q.kind in ("single", "multiple", "dropdown")]


def text_questions(survey: Survey) -> list[SurveyQuestion]:
    return [q for q in survey.questions if q.kind in ("short", "long")]


def channel_counts(survey: Survey) -> dict[str, int]:
    return dict(db.session.execute(
        select(SurveyResponse.channel, func.count(SurveyResponse.id))
        .where(SurveyResponse.survey_id == survey.id).group_by(SurveyResponse.channel)).all())


def public_statement():
    """The surveys whose results everyone may read (``survey.results`` for a visitor), by id:
    results public, not a draft, and in a published process (its own or its café's) if any."""
    from civic.cafe.models import Cafe
    from civic.spaces.models import Process

    own = aliased(Process)
    cafe_process = aliased(Process)
    return (select(Survey)
            .outerjoin(own, own.id == Survey.process_id)
            .outerjoin(Cafe, Cafe.id == Survey.cafe_id)
            .outerjoin(cafe_process, cafe_process.id == Cafe.process_id)
            .where(Survey.results_public.is_(True), Survey.state != "draft",
                   or_(Survey.process_id.is_(None), own.published.is_(True)),
                   or_(Survey.process_id.is_not(None), Survey.cafe_id.is_(None),
                       cafe_process.published.is_(True))))


def counts(survey: Survey) -> dict:
    """The survey's counts without writing: the stored aggregate when it is current, else
    counted afresh (for readers that may not write, such as the public API)."""
    agg = db.session.get(SurveyAggregate, survey.id)
    if agg is not None and agg.version == survey.answer_count:
        return agg.data
    return results.count(survey.questions, all_answers(survey))


def public_result(survey: Survey, data: dict) -> dict:
    """What the public results page shows of a survey, as plain data: per question counts and
    percentages, never an answer itself nor who gave it."""
    shown = results.shown(survey.questions, data)
    for view in shown:  # 「その他」 as a flag, not the pages' marker label
        view["bars"] = [{**bar, "label": None, "other": True} if bar["label"] == "\x00other"
                        else bar for bar in view["bars"]]
    return {"id": survey.id, "title": survey.title, "state": survey.state,
            "answers": data["total"], "questions": shown}


def public_results() -> list[dict]:
    """Plain aggregates of the surveys whose results are public (for the public API)."""
    return [public_result(survey, aggregate(survey))
            for survey in db.session.scalars(public_statement().order_by(Survey.id))]


# Free text to themes ------------------------------------------------------------------------------

def to_themes(survey: Survey, question: SurveyQuestion, title: str, user):
    from civic.insights.services import analyse_texts

    rows = [("survey", f"survey-response:{survey.id}:{n}:{question.id}", text)
            for n, text in enumerate(
                db.session.scalars(select(SurveyResponse.answers[str(question.id)].as_string())
                                   .where(SurveyResponse.survey_id == survey.id)
                                   .order_by(SurveyResponse.id)))
            if text]
    record(user, "surveys.to_themes", survey, question=question.id, texts=len(rows))
    return analyse_texts(title, owning_process(survey), rows, user)


# CSV: export and import ---------------------------------------------------------------------------

def columns(survey: Survey, other_label: str) -> list[tuple[str, SurveyQuestion, object]]:
    """The CSV columns: (header, question, part) where part is None, a row/option number or
    "other". Headers start with Q<n>, which the import reads back."""
    out = []
    n = 0
    for q in survey.questions:
        if not core.is_question(q):
            continue
        n += 1
        label = " ".join(q.label.split())[:80]
        if q.kind == "matrix":
            out.extend((f"Q{n}-{r + 1}. {label} / {row}", q, r) for r, row in enumerate(q.rows))
        elif q.kind == "ranking":
            out.extend((f"Q{n}-{o + 1}. {label} / {option}", q, o)
                       for o, option in enumerate(q.options))
        else:
            out.append((f"Q{n}. {label}", q, None))
        if q.has_other:
            out.append((f"Q{n}-other. {label} ({other_label})", q, "other"))
    return out


def _cell_reader(q: SurveyQuestion, part):
    """A function answers → the column's cell text, working on plain values only (an export
    calls it 10,000 × 20 times; ORM attribute reads were most of its time)."""
    key, kind, options = str(q.id), q.kind, list(q.options or [])
    if part == "other":
        other = f"{q.id}_other"
        return lambda answers: csv_cell(answers.get(other, ""))
    if kind in ("single", "dropdown"):
        safe = [csv_cell(o) for o in options]
        return lambda answers: (safe[v] if (v := answers.get(key)) is not None
                                and 0 <= v < len(safe) else "")
    if kind == "multiple":
        return lambda answers: csv_cell(";".join(options[v] for v in answers.get(key) or ()
                                                 if 0 <= v < len(options)))
    if kind == "matrix":
        def matrix(answers):
            value = answers.get(key)
            v = value[part] if value is not None and part < len(value) else None
            return "" if v is None else str(v)
        return matrix
    if kind == "ranking":
        def rank(answers):
            value = answers.get(key)
            return str(value.index(part) + 1) if value and part in value else ""
        return rank
    if kind in ("short", "long"):
        return lambda answers: csv_cell(answers.get(key, ""))
    return lambda answers: "" if (v := answers.get(key)) is None else str(v)


def export_rows(survey: Survey, fixed: list[str], channel_labels: dict[str, str],
                other_label: str) -> Iterator[str]:
    """Raw answers as CSV text, a few hundred lines at a time, for a streamed response: UTF-8
    BOM, every cell safe against formula injection.

    The response is read after the request has ended, so the generator needs no Flask
    context: the columns are worked out now, and the rows come over a connection of its own.
    """
    cols = columns(survey, other_label)
    header = [csv_cell(h) for h in [*fixed, *(c[0] for c in cols)]]
    readers = [_cell_reader(q, part) for _header, q, part in cols]
    query = (select(SurveyResponse.channel, SurveyResponse.submitted_on, SurveyResponse.answers)
             .where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id))
    engine = db.engine

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def flush() -> str:
            value = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return value

        buffer.write("\ufeff")
        writer.writerow(header)
        yield flush()
        with engine.connect() as connection:
            rows = connection.execution_options(yield_per=1000).execute(query)
            for n, (channel, day, answers) in enumerate(rows, start=1):
                writer.writerow([n, csv_cell(channel_labels[channel]), day.isoformat(),
                                 *(read(answers) for read in readers)])
                if n % 500 == 0:
                    yield flush()
        yield flush()

    return lines()


def aggregate_csv(survey: Survey, header: list[str], other_label: str) -> str:
    """The counts as CSV: question, choice (or row and value), count, percent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([csv_cell(h) for h in header])
    for n, view in enumerate(results.shown(survey.questions, aggregate(survey)), start=1):
        label = f"Q{n}. {view['label']}"
        for bar in view["bars"]:
            name = other_label if bar["label"] == "\x00other" else bar["label"]
            writer.writerow([csv_cell(v) for v in (label, name, bar["count"], bar["percent"])])
        for row in view["matrix"]:
            for value, cell in zip(view["scale"], row["cells"], strict=False):
                writer.writerow([csv_cell(v) for v in (label, f"{row['label']}: {value}",
                                                       cell["count"], cell["percent"])])
        if not view["bars"] and not view["matrix"]:
            writer.writerow([csv_cell(v) for v in (label, "", view["answered"], "")])
    return buffer.getvalue()


class ImportProblem(ValueError):
    """An import refused as a whole: ``problems`` lists (line, question number, Problem)."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


_HEADER = re.compile(r"^\s*Q(\d+)(?:-(\d+|other))?[.．]")


def import_csv(survey: Survey, data: bytes, user) -> int:
    """Answers from a CSV file in the export's layout; all or nothing.

    Raises csvio.CsvImportError for an unreadable file and ImportProblem when rows do not
    fit the questions (nothing is stored in either case).
    """
    table = csvio.read_csv(data)
    if not table.rows:
        raise csvio.CsvImportError("no_rows", 2)
    numbered = [q for q in survey.questions if core.is_question(q)]
    fields: dict[str, str] = {}
    for column in table.columns:
        match = _HEADER.match(column or "")
        if not match or not 1 <= int(match.group(1)) <= len(numbered):
            continue
        q = numbered[int(match.group(1)) - 1]
        part = match.group(2)
        if part == "other":
            fields[column] = f"q{q.id}_other"
        elif part is not None and q.kind == "matrix":
            fields[column] = f"q{q.id}_r{int(part) - 1}"
        elif part is not None and q.kind == "ranking":
            fields[column] = f"q{q.id}_o{int(part) - 1}"
        elif part is None:
            fields[column] = f"q{q.id}"
    if not fields:
        raise ImportProblem([(1, None, core.Problem("no_columns"))])
    by_id = {q.id: q for q in numbered}
    number_of = {q.id: n for n, q in enumerate(numbered, start=1)}
    problems, rows = [], []
    for line, row in enumerate(table.rows, start=2):
        typed: dict[str, list[str]] = {}
        for column, name in fields.items():
            raw = (row.get(column) or "").strip()
            if not raw:
                continue
            q = by_id[int(name[1:].split("_", 1)[0])]
            if name == f"q{q.id}" and q.kind in ("single", "dropdown", "multiple"):
                values = raw.split(";") if q.kind == "multiple" else [raw]
                typed[name] = [_option_number(q, v.strip()) for v in values]
            else:
                typed[name] = [raw]
            if name.endswith("_other") and q.kind in ("single", "dropdown", "multiple"):
                typed.setdefault(f"q{q.id}", [])
                typed[f"q{q.id}"].append(str(core.OTHER))
        answers, found = core.check(survey.questions, typed)
        problems.extend((line, number_of[qid], problem) for qid, problem in found.items())
        rows.append(answers)
    if problems:
        raise ImportProblem(problems)
    today = ward_today()
    db.session.execute(insert(SurveyResponse), [
        {"survey_id": survey.id, "channel": "import", "entered_by_id": user.id,
         "submitted_on": today, "answers": answers} for answers in rows])
    _stale(survey)
    record(user, "surveys.import", survey, answers=len(rows))
    db.session.commit()
    recount(survey)
    return len(rows)


def _option_number(q: SurveyQuestion, text: str) -> str:
    """A choice cell: the option's text, or its number from 1; anything else stays as typed
    (and is refused as a choice that does not exist)."""
    if text in q.options:
        return str(q.options.index(text))
    if text.isdigit() and 1 <= int(text) <= len(q.options):
        return str(int(text) - 1)
    return text


def personal_data(user) -> tuple[str, object]:
    """For "download my data": the answers stored under the person's name (not anonymous ones)."""
    rows = db.session.execute(
        select(Survey.title, SurveyResponse.submitted_on, SurveyResponse.answers)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.respondent_id == user.id)).all()
    return "survey_answers", [{"survey": title, "submitted_on": day.isoformat(),
                               "answers": answers} for title, day, answers in rows]
