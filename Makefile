# The README's two commands: `make run` and `make test`. Both set everything up from scratch.
# PYTHON=/path/to/python names the interpreter for .venv; unset, scripts/pick-python.sh picks one.
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The Chinese interface's catalogue; its .mo is build output (git-ignored), compiled below.
CATALOGUE := locale/zh_Hant/LC_MESSAGES/django

.PHONY: help run test lint format check migrations-check ci clean backup restore serve bench
.DEFAULT_GOAL := help

help:
	@echo "make run     set up .venv, migrate, load the launch content, serve http://127.0.0.1:$(PORT)"
	@echo "make test    set up .venv with the test requirements, check migrations, run the whole suite"
	@echo "make lint    ruff: lint and format check (pyproject.toml); CI runs it first"
	@echo "make format  ruff: fix what lint can fix, and format"
	@echo "make check   Django's system checks"
	@echo "make ci      what CI runs: lint, then the suite on SQLite and on PostgreSQL at once (.ci/run)"
	@echo "make backup  database + uploaded media into backups/ (BACKUP=path to name the file)"
	@echo "make restore BACKUP=path   put a backup back (asks first; backs up the current state)"
	@echo "make serve   production-like local run: DEBUG off, collectstatic, migrate, gunicorn on \$$PORT"
	@echo "make bench   load benchmark at 100,000 articles on PostgreSQL (bench/README.md)"
	@echo "make clean   remove .venv and build output (not the database)"

# Refuse early, and say what to do, rather than fail later inside pip or Django. The interpreter is
# $(PYTHON) if given, else the newest supported one on PATH: scripts/pick-python.sh says which and why.
$(BIN)/python:
	@py=$$(PYTHON='$(PYTHON)' sh scripts/pick-python.sh) && $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# The .po is the source; the .mo is compiled whenever the .po changes, with polib (pure
# Python: no GNU gettext on a fresh machine). DEBUG only spares it the secret key.
$(CATALOGUE).mo: $(CATALOGUE).po | $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py compile_translations

# Development server on SQLite with DEBUG on (demo accounts are created on the first run).
run: $(VENV)/.installed $(CATALOGUE).mo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo_content
	@# The task worker (webhook deliveries) runs beside the development server and stops with it.
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite; any failure makes `make test` exit non-zero.
test: migrations-check $(CATALOGUE).mo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Model changes without their migration fail here, before the suite runs.
migrations-check: $(VENV)/.installed-test $(CATALOGUE).mo
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=hkai_site.test_settings

# ruff's rules and their reasons are in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.installed-test
	$(BIN)/python manage.py check --settings=hkai_site.test_settings

# What CI runs: lint, then the suite on SQLite and on PostgreSQL at once (see .ci/run).
ci:
	.ci/run

# Database + uploaded media in one file under backups/ (DJANGO_BACKUP_DIR); BACKUP=path to name it.
# Same settings as `run` locally; in production the environment supplies DEBUG off and the secret.
backup: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

# Replaces the database and media with BACKUP's (asks first; the current state is backed up first).
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/hkai-YYYYMMDD-HHMMSS.tar"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py restore "$(BACKUP)"

# Production-like local run: DEBUG off, collected static files served by whitenoise,
# gunicorn. Uses DATABASE_URL / REDIS_URL / WEB_CONCURRENCY / PORT from the environment
# (README: "Deploying at scale"). A throwaway secret key is made up if none is set: fine
# for this local target only, never for a real deployment.
serve: $(VENV)/.installed
	@export DJANGO_DEBUG=0 PORT=$(PORT) \
	  DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py migrate --noinput && \
	{ $(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn -c gunicorn.conf.py; }

# Load benchmark on PostgreSQL (bench/README.md); not part of `make test`.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache $(CATALOGUE).mo
