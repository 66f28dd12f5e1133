# Thin wrapper: every target sets up the local virtual environment when it is missing,
# then runs one pipeline command. Logic lives in Python (pipeline/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The install depends on pyproject.toml but its [tool.pipeline] tables (the settings a writer
# edits: a new locale must not reinstall the environment, nor need the network): the stamp
# is named by a checksum of the rest.
INSTALL_KEY := $(shell awk '/^\[/{skip = ($$0 ~ /^\[tool\.pipeline/)} !skip' pyproject.toml | cksum | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-$(INSTALL_KEY)

.PHONY: build test check extract update stats clean

# An editable install whose .pth names this folder ("compat" mode): setuptools' default for
# a package at the top of the repository is an import hook that costs every command 10 ms
# of start-up (a replayed check takes 40). Setuptools may drop compat mode one day: then
# the default editable install is made instead.
$(STAMP): Makefile
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat \
		|| $(BIN)/python -m pip install --quiet -e '.[test]'
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
