# The README's two commands: `make run` and `make test`. Both set everything up from scratch.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test check migrations-check clean backup restore

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo_content
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=hkai_site.test_settings
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(VENV)/.installed-test
	$(BIN)/python manage.py check --settings=hkai_site.test_settings

# Database + uploaded media in one file under backups/ (DJANGO_BACKUP_DIR); BACKUP=path to name it.
# Same settings as `run` locally; in production the environment supplies DEBUG off and the secret.
backup: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

# Replaces the database and media with BACKUP's (asks first; the current state is backed up first).
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/hkai-YYYYMMDD-HHMMSS.tar"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py restore "$(BACKUP)"

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
