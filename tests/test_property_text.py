"""Property: any well-formed document rendered in the corpus text style parses back exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.extract import extract
from juesuan.ingest.text import blocks_from_text
from juesuan.layout import build_layout
from juesuan.model import RawDocument

import synth


def parse_text(text: str):
    raw = RawDocument(source="synthetic", format="text", blocks=blocks_from_text(text))
    return extract(build_layout(raw), raw.blocks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_rendered_tables_parse_back_to_the_same_facts(seed):
    doc = synth.document(seed)
    text = "\n".join(doc.lines) + "\n"
    parsed = parse_text(text)
    got = {f.key: f.value for f in parsed.facts}
    assert got == doc.facts, (
        f"seed {seed}: extra {sorted(set(got) - set(doc.facts))[:5]} "
        f"missing {sorted(set(doc.facts) - set(got))[:5]} "
        f"differ {[(k, got[k], doc.facts[k]) for k in set(got) & set(doc.facts) if got[k] != doc.facts[k]][:5]}"
    )
    assert parsed.department == "某某市某某局" and parsed.year == 2024
    # every table printed its 公开NN表 number and unit: both are found whatever the padding
    assert all(t.number and t.unit == "万元" for t in parsed.tables), [(t.id, t.number, t.unit) for t in parsed.tables]


def test_one_rendering_is_realistic():
    """Guard against a renderer that drifts away from the corpus style."""
    doc = synth.document(7)
    text = "\n".join(doc.lines)
    assert "公开" in text and "金额单位：万元" in text and "\t" in text and "注：本表反映" in text
