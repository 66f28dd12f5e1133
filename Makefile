# Thin wrapper: every target sets up the local virtual environment when it is missing,
# then runs one pipeline command. Logic lives in Python (pipeline/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build test check extract update stats clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/pipeline all

extract: $(STAMP)
	$(BIN)/pipeline extract

update: $(STAMP)
	$(BIN)/pipeline update

# the checks run even when the build reported a content error (a translation that fails QA
# exits 1 after building everything): all findings in one go; the first failure's status wins
check: $(STAMP)
	$(BIN)/pipeline all; built=$$?; $(BIN)/pipeline check && exit $$built

stats: $(STAMP)
	$(BIN)/pipeline stats

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf out
