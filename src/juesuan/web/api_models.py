"""Response models of the JSON API (for validation and the OpenAPI page). Amounts are decimal strings."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field


class Counts(BaseModel):
    error: int
    warning: int
    info: int


class DocumentOut(BaseModel):
    id: int
    sha256: str = Field(description="源文件的 SHA-256")
    file_name: Optional[str]
    format: str
    pages: Optional[int]
    department_id: Optional[int]
    department: Optional[str] = Field(description="部门（单位）名称，按文件印制")
    region: Optional[str] = Field(description="由名称推断的地区（尽力而为）")
    level: Optional[str] = Field(description="省级 / 市级 / 县级（尽力而为）")
    year: Optional[int]
    unit: str
    ingested_at: Optional[str]
    parser_version: str
    fact_count: int
    rules_version: Optional[str] = Field(description="最近一次检查的规则版本")
    counts: Optional[Counts] = Field(description="最近一次检查各严重程度的发现数")


class CheckOut(BaseModel):
    rules_version: str
    checked_at: Optional[str]
    error: int
    warning: int
    info: int


class TableOut(BaseModel):
    id: str
    name: str
    title: Optional[str]
    number: Optional[str]
    page: Optional[int]
    line: Optional[int]


class DocumentDetailOut(DocumentOut):
    checks: list[CheckOut]
    tables: list[TableOut]


class FactOut(BaseModel):
    document_id: int
    table: str
    row: str
    column: str
    value: str = Field(description="精确的十进制字符串（金额单位万元）")
    raw: str = Field(description="印制文本")
    label: str
    project: str
    level: Optional[str] = Field(description="类 / 款 / 项（按科目编码的行）")
    line: Optional[int]
    page: Optional[int]
    ref: Optional[str] = Field(None, description="表格单元格位置（XLSX/DOCX）")


class CellOut(BaseModel):
    table: str
    row: str
    column: str
    value: str
    page: Optional[int]
    line: Optional[int]
    label: str
    project: str = Field("", description="绩效自评表：所属项目")
    ref: Optional[str] = Field(None, description="表格单元格位置（XLSX/DOCX）")


class FindingOut(BaseModel):
    id: int
    document_id: int
    rules_version: str
    rule: str
    severity: str
    family: str
    title: str
    message: str
    tables: list[str]
    cells: list[CellOut]
    expected: Optional[str]
    printed: Optional[str]
    difference: Optional[str]
    extra: dict[str, Any] = Field(default_factory=dict, description="其他字段，如情况说明中的句子 sentence")
    fingerprint: Optional[str] = Field(None, description="发现的稳定标识（规则 + 单元格 + 印制值），跨版本不变")
    status: Optional[str] = Field(
        None, description="审核状态：open 待核 / confirmed 确认问题 / dismissed 非问题 / fixed 已整改"
    )
    comment: Optional[str] = Field(None, description="审核意见（处理意见）")
    reply: Optional[str] = Field(None, description="部门回复")
    reviewed_by: Optional[str] = Field(None, description="作出审核决定的用户")
    reviewed_at: Optional[str] = None
    carried_from: Optional[int] = Field(None, description="审核决定沿用自的早先版本（文档编号）")
    gone: bool = Field(False, description="上一版本的发现在本版本中已不存在（视为已整改）")
    previous_status: Optional[str] = Field(None, description="gone 的发现在上一版本中的审核结论")


class DepartmentOut(BaseModel):
    id: int
    name: str
    region: Optional[str]
    level: Optional[str]
    years: list[int]
    documents: int


class FunctionOut(BaseModel):
    code: str
    name: str
    amount: Optional[str]


class FiguresOut(BaseModel):
    document_id: int
    department_id: Optional[int]
    department: Optional[str]
    region: Optional[str]
    level: Optional[str]
    year: Optional[int]
    income_total: Optional[str]
    expense_total: Optional[str]
    basic: Optional[str] = Field(description="基本支出")
    project: Optional[str] = Field(description="项目支出")
    three_public: dict[str, Optional[str]] = Field(description="“三公”经费决算数")
    three_public_budget: dict[str, Optional[str]] = Field(description="“三公”经费预算数")
    running_cost: Optional[str] = Field(description="机关运行经费")
    running_cost_source: Optional[str]
    by_function: list[FunctionOut] = Field(description="按支出功能分类（类）的支出")
    by_function_source: Optional[str]


class CompareOut(BaseModel):
    year: Optional[int]
    departments: list[FiguresOut]
    missing: list[str] = Field(description="该年度没有文档的部门")


class IngestOut(BaseModel):
    status: str = Field(description="ingested（新入库）或 exists（同一文件已入库）")
    document_id: int
    sha256: str
    file_name: Optional[str]
    department: Optional[str]
    year: Optional[int]
    facts: int
    findings: Optional[int]
    rules_version: Optional[str]
    warnings: list[str]


# ---------------------------------------------------------------- the workbench


class ReviewIn(BaseModel):
    status: Literal["open", "confirmed", "dismissed", "fixed"] = Field(
        description="open 待核 / confirmed 确认问题 / dismissed 非问题 / fixed 已整改"
    )
    comment: Optional[str] = Field(None, max_length=4000, description="审核意见")


class ReplyIn(BaseModel):
    reply: str = Field(max_length=4000, description="部门回复")


class StatusIn(BaseModel):
    status: Literal["new", "in_review", "returned", "approved"] = Field(
        description="new 未审 / in_review 审核中 / returned 退回整改 / approved 通过"
    )
    comment: Optional[str] = Field(None, max_length=2000)


class ReviewOut(BaseModel):
    fingerprint: str
    status: str
    comment: Optional[str]
    reply: Optional[str]
    user: Optional[str] = Field(description="作出审核决定的用户")
    decided_at: Optional[str]
    reply_user: Optional[str]
    replied_at: Optional[str]
    carried_from: Optional[int]
    gone: bool
    previous_status: Optional[str] = Field(None, description="gone：上一版本中的审核结论")


class DocumentStatusOut(BaseModel):
    document_id: int
    status: str


class VersionOut(BaseModel):
    document_id: int
    version: int = Field(description="同一部门、年度、类型（决算/预算）内的版本号，按上传先后")
    latest: bool
    file_name: Optional[str]
    ingested_at: str
    status: str
    kind: str
    department_id: Optional[int]
    department: Optional[str]
    year: Optional[int]
    counts: Optional[Counts]


class AuditOut(BaseModel):
    id: int
    at: str
    user_id: Optional[int]
    user: Optional[str] = Field(description="用户名")
    action: str = Field(description="upload / review / reply / status / login …")
    document_id: Optional[int]
    details: dict[str, Any]
