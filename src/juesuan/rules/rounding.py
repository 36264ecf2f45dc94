"""Family RD: differences inside the rounding interval (尾差) — reported, never as errors.

The rule has no check of its own: the engine files under it every identity whose printed and
computed sides differ by no more than the rounding interval allows (money.compare says
``rounding``).
"""

from __future__ import annotations

from .engine import Rule, ex

RULE = Rule(
    id="JS-RD-001",
    title="尾差",
    severity="info",
    family="RD",
    legal_basis="",
    message=(
        "{identity_rule}「{identity_title}」：{cell} 印刷 {printed}，计算值 {expected}，相差 {difference}，"
        "在四舍五入允许范围（±{tolerance}）之内，属尾差"
    ),
    doc=(
        "金额按 0.01 万元四舍五入印刷，每个印刷值 v 代表区间 [v−0.005, v+0.005]。恒等式两边的区间相交即视为"
        "成立：差额为零不报告；差额非零但在区间内（参与项越多，允许的尾差越大）报告为本条提示，并注明是哪条"
        "规则的哪个等式；超出区间才由该规则报告为错误。"
    ),
    check=None,
    passing=(ex("income/total/total=10.00", "income/total/fiscal=7.00", "income/total/other=3.00"),),
    failing=(
        ex("income/total/total=10.00", "income/total/fiscal=6.99", "income/total/other=3.00",
           note="相差 0.01，三个印刷值允许 ±0.015"),
    ),
)
