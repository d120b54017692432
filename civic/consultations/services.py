"""Public comment: the draft, opinions, review, grouping, the answer and its published result.

Every staff action is recorded in the audit log inside the transaction that does it.
"""

from collections import Counter
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from civic.audit.services import record
from civic.consultations import draft as drafts
from civic.consultations.models import (
    CHANNELS,
    DETAILS,
    DISPOSITIONS,
    Attachment,
    Consultation,
    Opinion,
    OpinionGroup,
    Section,
    Translation,
)
from civic.extensions import db
from civic.i18n.content import detect
from civic.proposals.images import sniff
from civic.timeutil import utcnow, ward_today

MAX_ATTACHMENT = 10 * 1024 * 1024
PDF = b"%PDF-"


class ConsultationError(ValueError):
    """Something staff or a resident asked for that cannot be done; the message says why."""


# Reading ----------------------------------------------------------------------------------------

def is_open(consultation: Consultation, today: date) -> bool:
    """Opinions are taken: published, within its period, and the process's phase says so."""
    return (consultation.published and consultation.starts_on <= today <= consultation.ends_on
            and consultation.process.is_open("consultations_open", today))


def review_started(consultation: Consultation, today: date) -> bool:
    """The deadline has passed: staff may read, review and answer the opinions."""
    return today > consultation.ends_on


def for_process(process, staff: bool) -> list[Consultation]:
    statement = select(Consultation).where(Consultation.process_id == process.id)
    if not staff:
        statement = statement.where(Consultation.published.is_(True))
    return list(db.session.scalars(statement.order_by(Consultation.starts_on.desc(),
                                                      Consultation.id.desc())))


def section_at(consultation: Consultation, position: int) -> Section | None:
    return next((s for s in consultation.sections if s.position == position), None)


def translation_for(consultation: Consultation, language: str) -> Translation | None:
    return next((t for t in consultation.translations if t.language == language), None)


def translated_sections(consultation: Consultation, translation: Translation | None) -> dict:
    """Section position → the translated section (the same cut of the translated draft)."""
    if translation is None:
        return {}
    return {position: section for position, section in
            enumerate(drafts.split(translation.draft), start=1)}


def opinion_count(consultation: Consultation) -> int:
    return db.session.scalar(select(func.count()).select_from(Opinion)
                             .where(Opinion.consultation_id == consultation.id))


def attachments(consultation: Consultation) -> list[Attachment]:
    return list(db.session.scalars(
        select(Attachment).where(Attachment.consultation_id == consultation.id,
                                 Attachment.opinion_id.is_(None)).order_by(Attachment.id)))


# The draft --------------------------------------------------------------------------------------

def save(consultation: Consultation, data: dict, actor) -> Consultation:
    """Create or update a consultation; the draft is cut into sections again unless opinions
    already refer to them (then the draft stays as published)."""
    creating = consultation.id is None
    text = data.get("draft") or ""
    if not creating and text != consultation.draft and opinion_count(consultation):
        raise ConsultationError("draft_locked")
    parts = drafts.split(text)
    if len(parts) > drafts.MAX_SECTIONS:
        raise ConsultationError("too_many_sections")
    for name in ("title", "summary", "starts_on", "ends_on", "who", "published"):
        setattr(consultation, name, data[name])
    for detail in DETAILS:
        setattr(consultation, f"ask_{detail}", data[f"ask_{detail}"])
    consultation.language = data.get("language") or detect(data["title"], text)
    if creating:
        consultation.created_by_id = actor.id
        db.session.add(consultation)
    if creating or text != consultation.draft:
        consultation.draft = text
        consultation.sections = [
            Section(position=position, number=part.number[:40], heading=part.heading[:200],
                    body=part.body) for position, part in enumerate(parts, start=1)]
    db.session.flush()
    record(actor, "consultation.created" if creating else "consultation.updated", consultation,
           sections=len(consultation.sections))
    db.session.commit()
    return consultation


def save_translation(consultation: Consultation, language: str, data: dict, actor) -> Translation:
    translation = translation_for(consultation, language)
    if translation is None:
        translation = Translation(language=language)
        consultation.translations.append(translation)
    translation.title = data["title"]
    translation.summary = data.get("summary") or ""
    translation.draft = data.get("draft") or ""
    db.session.flush()
    record(actor, "consultation.translated", consultation, language=language)
    db.session.commit()
    return translation


def file_type(data: bytes) -> str | None:
    """PDF or an image, by the file's first bytes (never its name or the browser's word)."""
    if data.startswith(PDF):
        return "application/pdf"
    return sniff(data)


def _stored_file(consultation: Consultation, storage, opinion_id: int | None) -> Attachment:
    data = storage.read(MAX_ATTACHMENT + 1)
    if len(data) > MAX_ATTACHMENT:
        raise ConsultationError("file_too_large")
    content_type = file_type(data)
    if content_type is None:
        raise ConsultationError("file_type")
    name = (storage.filename or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    return Attachment(consultation_id=consultation.id, opinion_id=opinion_id, filename=name,
                      content_type=content_type, size=len(data), data=data)


def add_attachment(consultation: Consultation, storage, actor) -> Attachment:
    attachment = _stored_file(consultation, storage, None)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "consultation.attachment_added", consultation, filename=attachment.filename)
    db.session.commit()
    return attachment


def delete_attachment(consultation: Consultation, attachment: Attachment, actor) -> None:
    record(actor, "consultation.attachment_deleted", consultation, filename=attachment.filename)
    db.session.delete(attachment)
    db.session.commit()


# Opinions ---------------------------------------------------------------------------------------

def receipt_for(consultation_id: int, number: int) -> str:
    """受付番号: the consultation and the opinion's number within it, e.g. ``PC3-00042``."""
    return f"PC{consultation_id}-{number:05d}"


def submit(consultation: Consultation, data: dict, *, user=None, channel: str = "web",
           entered_by=None, received_on: date | None = None, scan=None) -> Opinion:
    """Store one opinion and give it the next number. Two people sending at the same moment
    race for the number; the unique constraint decides and the loser takes the next one."""
    if channel not in CHANNELS:
        raise ConsultationError("channel")
    section_id = data.get("section_id") or None
    if section_id is not None and not any(s.id == section_id for s in consultation.sections):
        raise ConsultationError("section")
    scan_row = _stored_file(consultation, scan, None) if scan is not None else None
    fields = {detail: (data.get(detail) or "").strip() for detail in DETAILS}
    for attempt in range(10):
        number = (db.session.scalar(select(func.max(Opinion.number))
                                    .where(Opinion.consultation_id == consultation.id)) or 0) + 1
        opinion = Opinion(
            consultation_id=consultation.id, number=number,
            receipt=receipt_for(consultation.id, number), section_id=section_id,
            body=data["body"].strip(), channel=channel,
            user_id=getattr(user, "id", None), entered_by_id=getattr(entered_by, "id", None),
            name=fields["name"][:100], address=fields["address"][:200],
            age_band=fields["age_band"] or None, organisation=fields["organisation"][:200],
            received_on=received_on or ward_today())
        try:
            with db.session.begin_nested():
                db.session.add(opinion)
                db.session.flush()
        except IntegrityError:
            if attempt == 9:
                raise
            continue
        break
    if scan_row is not None:
        scan_row.opinion_id = opinion.id
        db.session.add(scan_row)
    if entered_by is not None:
        record(entered_by, "consultation.opinion_entered", consultation, opinion_id=opinion.id,
               channel=channel)
    db.session.commit()
    return opinion


def opinions(consultation: Consultation, *, section_id: int | None = None,
             state: str = "all") -> list[Opinion]:
    statement = select(Opinion).where(Opinion.consultation_id == consultation.id)
    if section_id is not None:
        statement = statement.where(Opinion.section_id == section_id)
    if state == "hidden":
        statement = statement.where(Opinion.hidden_reason.is_not(None))
    elif state == "duplicates":
        statement = statement.where(Opinion.duplicate_of_id.is_not(None))
    elif state == "ungrouped":
        statement = statement.where(*_answered_rows(), Opinion.group_id.is_(None))
    return list(db.session.scalars(statement.order_by(Opinion.number)))


def opinion(consultation: Consultation, opinion_id: int) -> Opinion | None:
    row = db.session.get(Opinion, opinion_id)
    return row if row is not None and row.consultation_id == consultation.id else None


def scan_of(opinion_row: Opinion) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.opinion_id == opinion_row.id))


def _answered_rows():
    """SQL: the opinions that are answered themselves: shown, and not a campaign's copy."""
    return (Opinion.hidden_reason.is_(None), Opinion.duplicate_of_id.is_(None))


# Review -----------------------------------------------------------------------------------------

def hide(opinion_row: Opinion, reason: str, actor) -> None:
    """Keep an opinion out of what is published (personal data, defamation); it still counts."""
    opinion_row.hidden_reason = reason.strip()[:300]
    opinion_row.group_id = None
    record(actor, "consultation.opinion_hidden", opinion_row, reason=opinion_row.hidden_reason,
           consultation_id=opinion_row.consultation_id)
    db.session.commit()


def unhide(opinion_row: Opinion, actor) -> None:
    opinion_row.hidden_reason = None
    record(actor, "consultation.opinion_shown", opinion_row,
           consultation_id=opinion_row.consultation_id)
    db.session.commit()


def mark_duplicate(opinion_row: Opinion, of: Opinion, actor) -> None:
    """A campaign's copy: it counts as one more person, and is answered with ``of``."""
    while of.duplicate_of_id is not None:  # always point at the opinion that is answered
        of = db.session.get(Opinion, of.duplicate_of_id)
    if of.id == opinion_row.id:
        raise ConsultationError("duplicate_self")
    db.session.execute(update(Opinion).where(Opinion.duplicate_of_id == opinion_row.id)
                       .values(duplicate_of_id=of.id))
    opinion_row.duplicate_of_id = of.id
    opinion_row.group_id = None
    record(actor, "consultation.duplicate_marked", opinion_row, of=of.id,
           consultation_id=opinion_row.consultation_id)
    db.session.commit()


def unmark_duplicate(opinion_row: Opinion, actor) -> None:
    opinion_row.duplicate_of_id = None
    record(actor, "consultation.duplicate_unmarked", opinion_row,
           consultation_id=opinion_row.consultation_id)
    db.session.commit()


def mark_identical(consultation: Consultation, actor) -> int:
    """Mark every opinion whose text is the same as an earlier one's (after normalising width,
    spaces and punctuation) as its duplicate: how organised campaigns usually arrive."""
    from civic.insights.normalize import normalize

    first: dict[str, int] = {}
    marked = 0
    for row in opinions(consultation):
        if row.hidden_reason is not None:
            continue
        key = normalize(row.body)
        if not key:
            continue
        if row.duplicate_of_id is not None:
            first.setdefault(key, row.duplicate_of_id)
            continue
        if key in first:
            row.duplicate_of_id, row.group_id = first[key], None
            marked += 1
        else:
            first[key] = row.id
    record(actor, "consultation.duplicates_found", consultation, marked=marked)
    db.session.commit()
    return marked


def duplicate_counts(consultation: Consultation) -> dict[int, int]:
    """Opinion id → how many copies were marked as its duplicates."""
    rows = db.session.execute(
        select(Opinion.duplicate_of_id, func.count()).where(
            Opinion.consultation_id == consultation.id, Opinion.duplicate_of_id.is_not(None))
        .group_by(Opinion.duplicate_of_id)).all()
    return dict(rows)


# Grouping ---------------------------------------------------------------------------------------

def groups(consultation: Consultation) -> list[OpinionGroup]:
    return list(db.session.scalars(select(OpinionGroup).where(OpinionGroup.consultation_id == consultation.id)
                                   .order_by(OpinionGroup.position, OpinionGroup.id)))


def group(consultation: Consultation, group_id: int) -> OpinionGroup | None:
    row = db.session.get(OpinionGroup, group_id)
    return row if row is not None and row.consultation_id == consultation.id else None


def members(consultation: Consultation) -> dict[int, list[Opinion]]:
    out: dict[int, list[Opinion]] = {}
    for row in opinions(consultation):
        if row.group_id is not None:
            out.setdefault(row.group_id, []).append(row)
    return out


def start_grouping(consultation: Consultation, actor):
    from civic.jobs import services as jobs

    record(actor, "consultation.grouping_started", consultation)
    db.session.commit()
    job = jobs.enqueue("consultations.group", {"consultation_id": consultation.id}, actor)
    consultation.group_job_id = job.id
    db.session.commit()
    return job


def _untouched(group_row: OpinionGroup) -> bool:
    return group_row.proposed and not (group_row.summary or group_row.response
                                       or group_row.disposition)


def propose_groups(consultation_id: int, progress=None) -> dict:
    """Run the themes pipeline over the opinions not yet in a group staff have worked on, and
    propose one group per broad theme. Groups staff renamed, filled in or built by hand stay
    as they are, with their opinions: the automatic grouping is a start, never the last word."""
    from civic.insights.pipeline import cluster

    report = progress or (lambda fraction, message="": None)
    consultation = db.session.get(Consultation, consultation_id)
    kept = {g.id for g in groups(consultation) if not _untouched(g)}
    rows = [row for row in opinions(consultation)
            if row.hidden_reason is None and row.duplicate_of_id is None
            and row.group_id not in kept]
    report(0.1, "clustering")
    texts = [row.body for row in rows]
    assignments: list[int | None]
    labels: dict[int, str]
    if len(texts) >= 6:
        result = cluster(texts, max_themes=12)
        labels = {t.id: t.label for t in result.themes if t.parent is None}
        assignments = list(result.assignments)
    else:  # too few to cluster: one group to start from
        labels, assignments = {0: "意見"}, [0] * len(texts)
    report(0.8, "saving")
    db.session.execute(update(Opinion).where(Opinion.id.in_([r.id for r in rows]))
                       .values(group_id=None))
    stale = [g.id for g in groups(consultation) if g.id not in kept]
    db.session.execute(delete(OpinionGroup).where(OpinionGroup.id.in_(stale)))
    start = max((g.position for g in groups(consultation)), default=-1) + 1
    made: dict[int, OpinionGroup] = {}
    for offset, (theme_id, label) in enumerate(labels.items()):
        made[theme_id] = OpinionGroup(consultation_id=consultation.id, position=start + offset,
                               label=(label or "意見")[:200], proposed=True)
        db.session.add(made[theme_id])
    db.session.flush()
    updates = [{"id": row.id, "group_id": made[theme].id}
               for row, theme in zip(rows, assignments, strict=True)
               if theme is not None and theme in made]
    if updates:
        db.session.execute(update(Opinion), updates)
    empty = [g.id for g in made.values() if not any(u["group_id"] == g.id for u in updates)]
    db.session.execute(delete(OpinionGroup).where(OpinionGroup.id.in_(empty)))
    db.session.commit()
    return {"consultation_id": consultation_id, "opinions": len(rows),
            "groups": len(made) - len(empty)}


def _touched(group_row: OpinionGroup) -> None:
    group_row.proposed = False


def new_group(consultation: Consultation, label: str, actor) -> OpinionGroup:
    position = max((g.position for g in groups(consultation)), default=-1) + 1
    row = OpinionGroup(consultation_id=consultation.id, position=position, label=label.strip()[:200])
    db.session.add(row)
    db.session.flush()
    record(actor, "consultation.group_created", row, consultation_id=consultation.id)
    db.session.commit()
    return row


def rename(group_row: OpinionGroup, label: str, actor) -> None:
    record(actor, "consultation.group_renamed", group_row, before=group_row.label,
           after=label.strip()[:200], consultation_id=group_row.consultation_id)
    group_row.label = label.strip()[:200]
    _touched(group_row)
    db.session.commit()


def move(consultation: Consultation, opinion_ids: list[int], target: OpinionGroup | None, actor) -> int:
    """Put opinions in another group (or in none); hidden ones and duplicates cannot be."""
    moved = db.session.execute(
        update(Opinion).where(Opinion.consultation_id == consultation.id,
                              Opinion.id.in_(opinion_ids), *_answered_rows())
        .values(group_id=target.id if target else None)).rowcount
    if target is not None:
        _touched(target)
    record(actor, "consultation.opinions_moved", consultation, opinions=sorted(opinion_ids),
           group_id=target.id if target else None)
    db.session.commit()
    return moved


def merge(target: OpinionGroup, others: list[OpinionGroup], actor) -> None:
    """Fold groups into ``target``: their opinions are answered together from now on."""
    others = [g for g in others if g.id != target.id]
    db.session.execute(update(Opinion).where(Opinion.group_id.in_([g.id for g in others]))
                       .values(group_id=target.id))
    record(actor, "consultation.groups_merged", target, merged=[g.id for g in others],
           labels=[g.label for g in others], consultation_id=target.consultation_id)
    for other in others:
        db.session.delete(other)
    _touched(target)
    db.session.commit()


def split(group_row: OpinionGroup, opinion_ids: list[int], label: str, actor) -> OpinionGroup:
    """Take some opinions out of a group into a new one (answered on their own)."""
    consultation = db.session.get(Consultation, group_row.consultation_id)
    new = OpinionGroup(consultation_id=consultation.id, label=label.strip()[:200],
                position=group_row.position)
    db.session.add(new)
    db.session.flush()
    db.session.execute(update(Opinion).where(Opinion.group_id == group_row.id,
                                             Opinion.id.in_(opinion_ids))
                       .values(group_id=new.id))
    _touched(group_row)
    record(actor, "consultation.group_split", group_row, into=new.id, opinions=sorted(opinion_ids),
           consultation_id=consultation.id)
    db.session.commit()
    return new


def answer_alone(opinion_row: Opinion, actor) -> OpinionGroup:
    """A group of this one opinion, to answer it on its own (a single opinion in the table)."""
    if opinion_row.hidden_reason is not None or opinion_row.duplicate_of_id is not None:
        raise ConsultationError("not_answered_alone")
    consultation = db.session.get(Consultation, opinion_row.consultation_id)
    position = max((g.position for g in groups(consultation)), default=-1) + 1
    text = " ".join(opinion_row.body.split())
    row = OpinionGroup(consultation_id=consultation.id, position=position,
                label=text if len(text) <= 40 else text[:39] + "…")
    db.session.add(row)
    db.session.flush()
    opinion_row.group_id = row.id
    record(actor, "consultation.group_created", row, consultation_id=consultation.id,
           opinion_id=opinion_row.id)
    db.session.commit()
    return row


def delete_group(group_row: OpinionGroup, actor) -> None:
    """Its opinions go back to the ungrouped ones; nothing else is lost."""
    db.session.execute(update(Opinion).where(Opinion.group_id == group_row.id)
                       .values(group_id=None))
    record(actor, "consultation.group_deleted", group_row, label=group_row.label,
           consultation_id=group_row.consultation_id)
    db.session.delete(group_row)
    db.session.commit()


# The answer -------------------------------------------------------------------------------------

def answer(group_row: OpinionGroup, data: dict, actor) -> None:
    """意見の概要, 区の考え方 and the disposition of one group."""
    if data.get("disposition") not in DISPOSITIONS:
        raise ConsultationError("disposition")
    group_row.label = (data.get("label") or group_row.label).strip()[:200]
    group_row.summary = data["summary"].strip()
    group_row.response = data["response"].strip()
    group_row.disposition = data["disposition"]
    _touched(group_row)
    record(actor, "consultation.answered", group_row, disposition=group_row.disposition,
           consultation_id=group_row.consultation_id)
    db.session.commit()


def set_final_text(section: Section, text: str | None, actor) -> None:
    section.final_body = text if drafts.changed(section.body, text) else None
    record(actor, "consultation.final_text", section.consultation, section=section.position,
           changed=section.final_body is not None)
    db.session.commit()


def publish_problems(consultation: Consultation) -> list[str]:
    """What stands between the consultation and its published answer (codes for the view)."""
    problems = []
    if not review_started(consultation, ward_today()):
        problems.append("before_deadline")
    if opinions(consultation, state="ungrouped"):
        problems.append("ungrouped")
    if any(not (g.disposition and g.summary and g.response) for g in groups(consultation)
           if g.id in members(consultation)):
        problems.append("unanswered")
    return problems


def _submitter_key(row: Opinion) -> str:
    """Who sent it, for the count of submitters: the account, else the name and address given
    (a letter and an e-mail from one person), else the opinion alone."""
    if row.user_id is not None:
        return f"user:{row.user_id}"
    if row.name:
        return f"name:{row.name.strip()}|{row.address.strip()}"
    return f"opinion:{row.id}"


def snapshot(consultation: Consultation) -> dict:
    """The published result, as plain data: counts, the table of answers, the changed text."""
    rows = opinions(consultation)
    by_id = {row.id: row for row in rows}
    sections = consultation.sections
    section_count = Counter(row.section_id for row in rows)
    copies = Counter(row.duplicate_of_id for row in rows if row.duplicate_of_id is not None)
    members_of: dict[int, list[Opinion]] = {}
    for row in rows:
        if row.group_id is not None:
            members_of.setdefault(row.group_id, []).append(row)
    table = []
    for number, group_row in enumerate(
            (g for g in groups(consultation) if g.id in members_of), start=1):
        answered = members_of[group_row.id]
        labels = sorted({by_id[r.id].section.position for r in answered if r.section is not None})
        table.append({
            "number": number, "label": group_row.label, "summary": group_row.summary,
            "response": group_row.response, "disposition": group_row.disposition,
            "opinions": sum(1 + copies[r.id] for r in answered),
            "sections": [s.label for s in sections if s.position in labels],
        })
    return {
        "published_at": utcnow().isoformat(timespec="seconds"),
        "counts": {
            "opinions": len(rows),
            "submitters": len({_submitter_key(row) for row in rows}),
            "hidden": sum(1 for row in rows if row.hidden_reason is not None),
            "duplicates": sum(copies.values()),
            "by_channel": {channel: sum(1 for row in rows if row.channel == channel)
                           for channel in CHANNELS},
            "whole_draft": section_count[None],
            "by_section": [{"position": s.position, "label": s.label,
                            "opinions": section_count[s.id]} for s in sections],
        },
        "table": table,
        "dispositions": {d: sum(1 for t in table if t["disposition"] == d) for d in DISPOSITIONS},
        "sections": [{
            "position": s.position, "label": s.label,
            "changed": s.final_body is not None,
            "diff": [[c.kind, c.text] for c in drafts.diff(s.body, s.final_body)]
            if s.final_body is not None else [],
        } for s in sections],
    }


def publish(consultation: Consultation, actor):
    """Publish the answer: the snapshot becomes the result page, and everyone who sent an
    opinion with an account is told (by a job: a campaign can bring thousands)."""
    problems = publish_problems(consultation)
    if problems:
        raise ConsultationError(problems[0])
    consultation.result = snapshot(consultation)
    consultation.result_published_at = utcnow()
    record(actor, "consultation.published", consultation,
           opinions=consultation.result["counts"]["opinions"],
           groups=len(consultation.result["table"]))
    db.session.commit()
    from civic.jobs import services as jobs

    return jobs.enqueue("consultations.notify", {"consultation_id": consultation.id}, actor)


def withdraw(consultation: Consultation, actor) -> None:
    """Take the published answer back (to correct it); publishing again tells no one twice."""
    consultation.result = None
    consultation.result_published_at = None
    record(actor, "consultation.withdrawn", consultation)
    db.session.commit()


def notify_submitters(consultation_id: int, progress=None) -> dict:
    from civic.notifications import services as notifications

    consultation = db.session.get(Consultation, consultation_id)
    if consultation.result is None:
        return {"told": 0}
    user_ids = db.session.scalars(
        select(Opinion.user_id).where(Opinion.consultation_id == consultation_id,
                                      Opinion.user_id.is_not(None)).distinct()).all()
    for user_id in user_ids:
        notifications.notify(user_id, "pubcomment", actor=None, subject=consultation.title,
                             endpoint="consultations.result",
                             url_values={"consultation_id": consultation_id},
                             once_key=f"pubcomment:{consultation_id}")
    db.session.commit()
    return {"told": len(user_ids)}


# For the public API ----------------------------------------------------------------------------

def published_statement(process_id: int | None = None):
    """The consultations whose answer everyone may read (``consultation.see_result`` for a
    visitor): published, in a published process, with a published result; by id."""
    from civic.spaces.models import Process

    statement = (select(Consultation).join(Process, Process.id == Consultation.process_id)
                 .where(Consultation.published.is_(True), Process.published.is_(True),
                        Consultation.result.is_not(None)))
    if process_id is not None:
        statement = statement.where(Consultation.process_id == process_id)
    return statement


def published_result(consultation: Consultation) -> dict:
    """One published answer as plain data (no ORM objects); opinions themselves never."""
    result = consultation.result
    return {
        "id": consultation.id, "process_id": consultation.process_id,
        "title": consultation.title, "language": consultation.language,
        "starts_on": consultation.starts_on.isoformat(),
        "ends_on": consultation.ends_on.isoformat(),
        "published_at": result["published_at"], "counts": result["counts"],
        "answers": result["table"],
        "dispositions": result.get("dispositions", {}),
        "changed_sections": [s["label"] for s in result["sections"] if s["changed"]],
    }


def published_results(process_id: int | None = None) -> list[dict]:
    """The published answers of published consultations in published processes, as plain data
    (no ORM objects): what the public API serves. Opinions themselves are never included."""
    return [published_result(consultation) for consultation in db.session.scalars(
        published_statement(process_id).order_by(Consultation.id))]
