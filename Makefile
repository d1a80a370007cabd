# `make demo` and `make test` set everything up on a fresh clone (a venv in .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: setup setup-spark demo lint lint-compiled test test-fast test-all test-engines benchmark clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.txt
	$(BIN)/pip install --quiet -r requirements-spark.txt
	touch $(SPARK_STAMP)

setup: $(STAMP)

setup-spark: $(SPARK_STAMP)

demo: $(STAMP)  ## generate demo data, load, build, validate, chart
	$(BIN)/python scripts/leadscore.py demo

lint: $(STAMP)
	$(BIN)/ruff check scripts tests/python
	$(BIN)/sqlfluff lint models tests/dbt analyses --processes 2

lint-compiled: $(STAMP)  ## sqlfluff on the SQL the last build compiled (target/compiled), engine macros expanded
	$(BIN)/sqlfluff lint $$(find target/compiled/leadscore/models -name '*.sql' -not -path '*.yml/*' \
		-not -name int_predictive_fits.sql) \
		--config tests/sqlfluff_compiled.cfg --processes 2

# Locally the Spark parity and benchmark suites (several minutes each) are left out;
# .ci/run runs `make test TEST_MARKERS=` to include them.
TEST_MARKERS ?= not spark and not slow

test: lint  ## lint, then pytest (PostgreSQL tests skip without a server)
	$(BIN)/pytest $(if $(TEST_MARKERS),-m "$(TEST_MARKERS)")

test-fast: lint  ## DuckDB only: skips the PostgreSQL, Spark and slow suites
	$(BIN)/pytest -m "not postgres and not spark and not slow"

test-all: lint setup-spark  ## everything, as CI runs it
	$(BIN)/pytest

test-engines: $(SPARK_STAMP)  ## the parity suite on DuckDB, PostgreSQL and Spark
	$(BIN)/pytest -m parity

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf target logs demo_data reports spark-warehouse metastore_db leadscore.duckdb
