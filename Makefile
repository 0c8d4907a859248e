# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format migrations-check deploy-check bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A laptop's own secret key, made once and never committed (.env is ignored by git), so that
# manage.py works here without DEBUG while production still refuses to start without one.
.env:
	@printf 'SECRET_KEY=%s\nALLOWED_HOSTS=127.0.0.1,localhost\n' \
		"$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" > .env
	@echo "Created .env with a local SECRET_KEY."

install: $(STAMP) .env

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_brest_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DEBUG=False SECRET_KEY=ci-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=internet.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

messages: install
	cd brest_internet && ../$(BIN)/django-admin makemessages -l en -l fr --ignore='../.venv/*'
	$(BIN)/django-admin compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
