"""Response models of the JSON API (for validation and the OpenAPI page). Amounts are decimal strings."""

from __future__ import annotations

from typing import Any, Optional

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
