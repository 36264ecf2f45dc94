"""A table that fails too many of its row identities at once was probably not read right.

A single wrong printed value breaks one row (its 合计 ≠ Σ columns) and one column (its parent ≠ Σ
children); a column taken for another (an extra sub-column read as 经营收入, a 行次 column read as
amounts, a shifted header) breaks most rows of the table at once. When more than a third of a
table's rows fail their row identities (family AR) — and the table has at least
:data:`MIN_ROWS` such rows — the table's own arithmetic errors and rounding notes (families AR and
HI, identities inside the table) are replaced by one warning for the table (可能未正确读取) that
names the rows and keeps their cells. Identities between tables are still reported. Tables with
fewer rows are never collapsed: there a third is one or two cells.

The engine (:func:`juesuan.rules.engine.run`) applies this after judging every identity.
"""

from __future__ import annotations

from ..model import CellRef, Finding
from .engine import Context, Rule, ex

__all__ = ["MIN_ROWS", "RULE", "collapse_unread"]

MIN_ROWS = 4  # tables with fewer row identities are never collapsed
_EXAMPLES = 3  # rows named in the message

LAW_READ = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整；"
    "审核应以公开的决算表为准。"
)


def _failing(rows: dict[str, bool]) -> bool:
    return len(rows) >= MIN_ROWS and 3 * sum(rows.values()) > len(rows)


def collapse_unread(
    ctx: Context, keyed: list[tuple[tuple, Finding]], inside: dict[int, str], row_checks: dict[str, dict[str, bool]]
) -> list[Finding]:
    """Remove from ``keyed`` the in-table arithmetic findings of every table that fails more than a
    third of its row identities; return one reading warning per such table.

    ``inside`` maps ``id(finding)`` to the table whose identity the finding judges (families AR and
    HI, identity inside one table); ``row_checks`` maps table → row → whether a row identity fails.
    """
    tables = [t for t, rows in row_checks.items() if _failing(rows)]
    if not tables:
        return []
    out: list[Finding] = []
    for table in tables:
        rows = row_checks[table]
        failed = [r for r, bad in rows.items() if bad]
        dropped = [f for _, f in keyed if inside.get(id(f)) == table]
        errors = [f for f in dropped if f.severity == "error"]
        keep = {id(f) for f in dropped}
        keyed[:] = [kf for kf in keyed if id(kf[1]) not in keep]
        cells: list[CellRef] = []
        seen: set[tuple[str, str, str]] = set()
        for f in errors:
            if f.rule[3:5] != "AR":
                continue
            for c in f.cells:
                k = (c.table, c.row, c.column)
                if k not in seen:
                    seen.add(k)
                    cells.append(c)
        rules = sorted({f.rule for f in errors if f.rule[3:5] == "AR"})
        names = [ctx.label(table, r) for r in sorted(failed, key=lambda r: ctx.row_pos(table, r))]
        examples = "、".join(f"「{n}」" for n in names[:_EXAMPLES]) + (f"等 {len(names)} 行" if len(names) > _EXAMPLES else "")
        fields = {
            "table_name": ctx.table_title(table),
            "rows": str(len(rows)),
            "failed": str(len(failed)),
            "rules": "、".join(rules) or "行内运算",
            "examples": examples,
            "dropped": str(len(errors)),
            "printed": str(len(failed)),
            "expected": str(len(rows) // 3),
            "difference": str(len(failed) - len(rows) // 3),
        }
        out.append(
            Finding(
                RULE.id, RULE.severity, RULE.title, RULE.message.format(**fields), [table], cells,
                family=RULE.family,
            )
        )
    return out


RULE = Rule(
    id="JS-AR-020",
    title="决算表可能未正确读取",
    severity="warning",
    family="AR",
    legal_basis=LAW_READ,
    message=(
        "{table_name}可能未正确读取：{rows} 行中有 {failed} 行的行内运算（{rules}）不成立，超过三分之一，"
        "多为列或表头识别有误而非表内错误（不成立 {printed} 行，按三分之一可容 {expected} 行，多出 {difference} 行）；"
        "已略去该表的 {dropped} 条运算错误，请对照原表核对{examples}"
    ),
    doc=(
        "一个印错的数只破坏一行（合计 ≠ 各栏之和）和一列（上级科目 ≠ 下级之和）；把一列认作另一列（多出的"
        "“其中”栏被当作经营收入、行次被当作金额、表头错位）则同时破坏表中大多数行。某表的行内运算（AR 类）"
        "有超过三分之一的行不成立、且该表至少有 4 行参与核对时，该表表内的运算错误和尾差（AR、HI 类，等式只"
        "涉及本表）不再逐条报告，代之以本条警告一条，列出不成立的行并保留其单元格；表间勾稽照常报告。参与"
        "核对的行少于 4 行的表从不合并。"
    ),
    check=None,
    kinds=("final", "budget", "unknown"),
    passing=(
        ex("expenditure/201/total=10.00", "expenditure/201/basic=5.00", "expenditure/201/project=5.00",
           "expenditure/202/total=10.00", "expenditure/202/basic=5.00", "expenditure/202/project=5.00",
           "expenditure/203/total=10.00", "expenditure/203/basic=5.00", "expenditure/203/project=5.00",
           "expenditure/204/total=10.00", "expenditure/204/basic=5.00", "expenditure/204/project=4.00",
           note="4 行中 1 行不成立，不足三分之一：照常报告 JS-AR-002"),
    ),
    failing=(
        ex("expenditure/201/total=10.00", "expenditure/201/basic=10.00", "expenditure/201/project=10.00",
           "expenditure/202/total=20.00", "expenditure/202/basic=20.00", "expenditure/202/project=20.00",
           "expenditure/203/total=10.00", "expenditure/203/basic=5.00", "expenditure/203/project=5.00",
           "expenditure/204/total=10.00", "expenditure/204/basic=5.00", "expenditure/204/project=5.00",
           note="4 行中 2 行不成立（项目支出栏疑为合计栏的重复），超过三分之一"),
    ),
)
