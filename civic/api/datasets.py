"""The API's resources as open-data datasets (/open-data): the same rows the API answers, read
page by page through the same functions, so a file can hold nothing the API would not show."""

from collections.abc import Callable, Iterator

from flask_babel import lazy_gettext as _l

from civic.api import areas, budgets, comments, paging, processes, proposals
from civic.api.views import COMMENT_TABLES, PROPOSAL_TABLES
from civic.opendata.registry import Column, Dataset, register


def walk(page: Callable[[dict], dict], **filters) -> Iterator[dict]:
    """Every item of an API list, following its cursors."""
    cursor = None
    while True:
        answer = page({"limit": paging.MAX_LIMIT, "cursor": cursor, **filters})
        yield from answer["items"]
        if (cursor := answer["next_cursor"]) is None:
            return


ID = Column("id", "integer", "ID（識別番号）", "Identifier")
PROCESS_ID = Column("process_id", "integer", "参加プロセスのID", "Identifier of the process")
AREA_ID = Column("area_id", "integer", "地域のID（空欄：区全体）",
                 "Identifier of the area (empty: the whole ward)")

register(Dataset(
    name="areas", title=_l("Areas"), description=_l("The ward's areas (地域)."),
    columns=(ID, Column("slug", "string", "URLに使う短い名前", "Short name used in addresses"),
             Column("name", "string", "地域名", "Name of the area"),
             Column("description", "string", "説明", "Description")),
    rows=lambda: walk(areas.page), depends=("area",), api="api.area_list"))

register(Dataset(
    name="processes", title=_l("Participatory processes"),
    description=_l("Published participatory processes."),
    columns=(ID, Column("slug", "string", "URLに使う短い名前", "Short name used in addresses"),
             Column("title", "string", "名称", "Title"),
             Column("summary", "string", "概要", "Summary"),
             AREA_ID, Column("created_at", "datetime", "作成日時", "Created at")),
    rows=lambda: walk(processes.page), depends=("process", "phase"), api="api.process_list"))


def _phases() -> Iterator[dict]:
    for process in walk(processes.page):
        for phase in process["phases"]:
            yield {**phase, "process_id": process["id"],
                   "open_features": " ".join(phase["open_features"])}


register(Dataset(
    name="phases", title=_l("Phases of the processes"),
    description=_l("The phases of every published process, with what is open in each."),
    columns=(ID, PROCESS_ID, Column("position", "integer", "順番", "Order in the process"),
             Column("title", "string", "名称", "Title"),
             Column("starts_on", "date", "開始日", "First day"),
             Column("ends_on", "date", "終了日", "Last day"),
             Column("open_features", "string", "この段階で開いている機能（空白区切り）",
                    "What is open in this phase (separated by spaces)")),
    rows=_phases, depends=("process", "phase"), api="api.process_list"))

register(Dataset(
    name="proposals", title=_l("Proposals"),
    description=_l("Public proposals (協働事業提案) with their state, the ward's answer and counts."),
    columns=(ID, PROCESS_ID, AREA_ID,
             Column("title", "string", "件名", "Title"),
             Column("body", "string", "本文（Markdown）", "Text (Markdown)"),
             Column("category", "string", "分野", "Category"),
             Column("estimated_cost", "integer", "概算費用（円）", "Estimated cost (yen)"),
             Column("state", "string", "状態", "State"),
             Column("answer", "string", "区の回答", "The ward's answer"),
             Column("answered_at", "datetime", "回答日時", "Answered at"),
             Column("published_at", "datetime", "公開日時", "Published at"),
             Column("support_count", "integer", "賛同数", "Number of supports"),
             Column("comment_count", "integer", "コメント数", "Number of comments"),
             Column("progress", "integer", "進捗（%）", "Progress (percent)"),
             Column("author", "string", "提案者の表示名", "Author's public display name"),
             Column("language", "string", "本文の言語", "Language of the text")),
    rows=lambda: walk(proposals.page), depends=PROPOSAL_TABLES, api="api.proposal_list"))


def _progress_updates() -> Iterator[dict]:
    for proposal in walk(proposals.page):
        for update in proposal["progress_updates"]:
            yield {**update, "proposal_id": proposal["id"]}


register(Dataset(
    name="progress_updates", title=_l("Progress updates"),
    description=_l("What the ward reported on accepted proposals as the work went on."),
    columns=(ID, Column("proposal_id", "integer", "提案のID", "Identifier of the proposal"),
             Column("kind", "string", "種類", "Kind"),
             Column("progress", "integer", "進捗（%）", "Progress (percent)"),
             Column("body", "string", "内容", "Text"),
             Column("kpi_values", "string", "成果指標の値", "Values of the indicators (KPI)"),
             Column("self_evaluation", "string", "自己評価", "Self-evaluation"),
             Column("created_at", "datetime", "報告日時", "Reported at")),
    rows=_progress_updates, depends=PROPOSAL_TABLES, api="api.proposal_list"))

register(Dataset(
    name="comments", title=_l("Comments on proposals"),
    description=_l("The comments everyone may read on public proposals, by public display name."),
    columns=(ID, Column("proposal_id", "integer", "提案のID", "Identifier of the proposal"),
             Column("parent_id", "integer", "返信先のコメントID", "Comment it replies to"),
             Column("depth", "integer", "返信の深さ（0：最上位）", "Reply depth (0: top level)"),
             Column("stance", "string", "立場（for：賛成、against：反対、neutral：中立）",
                    "Stance (for, against, neutral)"),
             Column("body", "string", "本文", "Text"),
             Column("language", "string", "本文の言語", "Language of the text"),
             Column("created_at", "datetime", "投稿日時", "Posted at"),
             Column("edited_at", "datetime", "編集日時", "Edited at"),
             Column("up_count", "integer", "「賛成」の数", "Agree votes"),
             Column("down_count", "integer", "「反対」の数", "Disagree votes"),
             Column("author", "string", "投稿者の表示名（退会者は空欄）",
                    "Author's public display name (empty: deleted account)")),
    rows=lambda: walk(comments.public_page), depends=COMMENT_TABLES,
    api="api.proposal_list"))

register(Dataset(
    name="budgets", title=_l("Participatory budgets"),
    description=_l("Participatory budgets (参加型予算) of published processes."),
    columns=(ID, PROCESS_ID, AREA_ID, Column("title", "string", "名称", "Title"),
             Column("amount", "integer", "予算額", "Amount"),
             Column("currency", "string", "通貨", "Currency"),
             Column("voting_method", "string", "投票方式", "Voting method"),
             Column("rule", "string", "集計ルール", "Counting rule"),
             Column("results_published", "boolean", "結果が公表済みか", "Results published")),
    rows=lambda: ({**b, "results_published": b["results"] is not None}
                  for b in walk(budgets.page)),
    depends=budgets.TABLES, api="api.budget_list"))


def _budget_projects() -> Iterator[dict]:
    for budget in walk(budgets.page):
        scores = {p["code"]: p for p in (budget["results"] or {}).get("projects", [])}
        for project in budget["projects"]:
            score = scores.get(project["code"], {})
            yield {**project, "budget_id": budget["id"], "score": score.get("score"),
                   "votes": score.get("votes"), "selected": score.get("selected")}


register(Dataset(
    name="budget_projects", title=_l("Budget projects and results"),
    description=_l("The projects of every participatory budget; score, votes and funding once "
                   "the results are published."),
    columns=(ID, Column("budget_id", "integer", "予算のID", "Identifier of the budget"),
             Column("code", "string", "pabulib形式の事業ID", "Project id in pabulib files"),
             Column("title", "string", "事業名", "Title"),
             Column("cost", "integer", "費用", "Cost"), AREA_ID,
             Column("proposal_id", "integer", "元の提案のID", "Proposal it came from"),
             Column("score", "number", "得点（結果公表後）", "Score (once results are published)"),
             Column("votes", "integer", "投票者数（結果公表後）",
                    "Voters who chose it (once results are published)"),
             Column("selected", "boolean", "採択されたか（結果公表後）",
                    "Funded (once results are published)")),
    rows=_budget_projects, depends=budgets.TABLES, api="api.budget_list"))

# Datasets of further resources register in modules of their own beside their API resources.
from civic.api import (  # noqa: E402, F401  (register on import)
    cafe_datasets,
    opinion_datasets,
    results_datasets,
)
