# Everything installs itself into .venv on first use; every target is idempotent.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE := examples/henan-anyang-beiguan-hrss-2024.txt

.PHONY: setup demo test system-deps bench bench-pdf docs clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,ocr,ray]'
	$(PY) -m compileall -q src/juesuan  # bytecode as an installed package has it (saves 0.3 s a command where Python writes none)
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the tests use: headless Chromium (browser tests), PostgreSQL (storage tests),
# libgl1 (OCR), LibreOffice Writer and Calc with CJK fonts (PDFs exported by a word processor;
# authored documents; recalculating a `juesuan template` workbook's formulas). Needs
# root; without it those tests skip with a reason.
system-deps:
	@if [ "$$(id -u)" = 0 ] && { [ ! -x /usr/bin/chromium ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/bin/soffice ] || [ ! -e /usr/lib/libreoffice/program/libsclo.so ]; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql libgl1 >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk >/dev/null; \
	fi

# The main job on the bundled sample: check it, print the findings, write the reports.
demo: setup
	$(VENV)/bin/juesuan check $(SAMPLE) --fail-on never
	$(VENV)/bin/juesuan check $(SAMPLE) --format html -o out/report.html --fail-on never
	$(VENV)/bin/juesuan check $(SAMPLE) --format xlsx -o out/report.xlsx --fail-on never
	$(VENV)/bin/juesuan parse $(SAMPLE) --format csv -o out/facts.csv

test: setup system-deps
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/bench_parse.py
	$(PY) benchmarks/bench_pdf.py

bench-pdf: setup
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) benchmarks/bench_check_pdf.py

# A long fuzz run: many hypothesis examples per format (JUESUAN_FUZZ_EXAMPLES, default 200),
# random seeds; outcome counts by format go to out/fuzz-outcomes.json.
JUESUAN_FUZZ_EXAMPLES ?= 200
fuzz: setup
	mkdir -p out
	JUESUAN_FUZZ_EXAMPLES=$(JUESUAN_FUZZ_EXAMPLES) JUESUAN_FUZZ_RANDOM=1 JUESUAN_FUZZ_REPORT=out/fuzz-outcomes.json \
		$(PY) -m pytest -q -p no:cacheprovider tests/test_fuzz.py

docs: setup
	$(PY) tools/gen_rules_doc.py

clean:
	rm -rf $(VENV) out .pytest_cache
