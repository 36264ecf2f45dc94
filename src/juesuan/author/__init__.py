"""Authoring: write a disclosure (部门决算公开) from a department's numbers.

* :mod:`.factset` — the input: a facts CSV (``table,row,column,value``) or a filled template
  workbook, read into a :class:`~.factset.FactSet`; a prior year's disclosure read with
  :mod:`juesuan.pipeline`.
* :mod:`.layouts` — each standard table as printed rows (headers as printed, 万元, codes to 项).
* :mod:`.narrative` — the 情况说明, every figure computed from the facts (:mod:`.figures`).
* :mod:`.document` — the whole document in the family's order, as a list of parts.
* :mod:`.docx_out`, :mod:`.html_out`, :mod:`.pdf_out` — the writers.
* :mod:`.template` — the input workbook (``juesuan template``).
* :mod:`.consistency` — the rule engine run on the input facts (refuse what breaks an identity).
"""
