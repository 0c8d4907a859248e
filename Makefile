# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install worker lint format migrations-check deploy-check bench loadtest messages clean smoke screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A laptop's own secret key, made once and never committed (.env is ignored by git), so that
# manage.py works here without DEBUG while production still refuses to start without one.
# Readable by its owner only (umask 077, then chmod 600 should the file exist empty).
.env:
	@umask 077 && printf 'SECRET_KEY=%s\nALLOWED_HOSTS=127.0.0.1,localhost\n' \
		"$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" > .env && chmod 600 .env
	@echo "Created .env with a local SECRET_KEY."

install: $(STAMP) .env

# The demo tells the source's story (January 2014): its clock opens on the Monday after the
# demo's data (brest_internet/common/clock.py), so the programme looks live; production refuses it.
DEMO_TODAY ?= 2014-03-03
run: install
	DEBUG=1 DEMO_TODAY=$(DEMO_TODAY) $(BIN)/python manage.py migrate --noinput
	DEBUG=1 DEMO_TODAY=$(DEMO_TODAY) $(BIN)/python manage.py load_brest_demo
	DEBUG=1 DEMO_TODAY=$(DEMO_TODAY) $(BIN)/python manage.py runserver 127.0.0.1:8000

# A worker for the background jobs (PostgreSQL: DATABASE_URL=postgres://…); as many as wanted,
# on any machine. On SQLite the jobs run in the request and no worker is needed.
worker: install
	$(BIN)/python manage.py procrastinate worker

# The suite runs on every core (pytest-xdist; each worker has its own test database, e.g.
# test_<name>_gw0): `make test PYTEST_WORKERS=0` runs it in one process, and PYTEST_ARGS adds
# pytest's arguments, e.g. PYTEST_ARGS="tests/votes -x".
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DEBUG=False SECRET_KEY=ci-only-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=internet.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING
	# The production static build (whitenoise's manifest) must succeed too.
	rm -rf /tmp/brest-static-check
	DEBUG=False SECRET_KEY=ci-only-static-check-key-$$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=internet.example.org STATIC_ROOT=/tmp/brest-static-check \
	$(BIN)/python manage.py collectstatic --noinput -v0
	rm -rf /tmp/brest-static-check

# Benchmark on a database of its own (it refuses one with real data), e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench BENCH_ARGS="--check".
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# Two gunicorn servers and two job workers on the bench data (PostgreSQL), driven by Locust for
# 60 s with 50 users, without and then during a charge run of the whole programme queued as a
# job: errors and each page's p95 ratio. E.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make loadtest
loadtest: install
	$(BIN)/python loadtest/run.py

# Needs gettext (apt-get install gettext); the compiled catalogues are committed, so running the
# app never does.
messages: install
	$(BIN)/python manage.py makemessages -l en -l fr --no-obsolete \
		--ignore='.venv/*' --ignore='tests/*' --ignore='static/*' --ignore='staticfiles/*'
	# French is the source language: its untranslated entries get their own text, so that a
	# plural takes the French rule ("0 logement", "1 logement", "2 logements") instead of
	# gettext's fallback (singular for 1 only). Translated entries are left as they are.
	msgattrib --untranslated --no-fuzzy locale/fr/LC_MESSAGES/django.po | msgen - \
		| msgcat --use-first locale/fr/LC_MESSAGES/django.po - -o locale/fr/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --ignore='.venv/*'

# Refresh the screenshots shown in the README from a run of the journeys.
README_SCREENSHOTS := journey1-neighbourhood-running journey2-charges-month \
	journey3-ballot-confirm-phone journey4-half-day-desk-768 journey5-vote-result
screenshots:
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser -q -k journey
	mkdir -p docs/screenshots
	for name in $(README_SCREENSHOTS); do \
		cp test-results/screenshots/$$name.png docs/screenshots/; done

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache

# Load the demo twice into a scratch SQLite database: it must succeed and change nothing. Then
# a tiny bench (600 dwellings, its 300-dwelling reference in a second file) on a copy of the
# freshly migrated database: the benchmark's every step runs, its figures are not checked.
smoke: install
	rm -f /tmp/brest-smoke.sqlite3 /tmp/brest-bench-smoke.sqlite3 /tmp/brest-bench-smoke_small.sqlite3
	DATABASE_URL=sqlite:////tmp/brest-smoke.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	cp /tmp/brest-smoke.sqlite3 /tmp/brest-bench-smoke.sqlite3
	DATABASE_URL=sqlite:////tmp/brest-smoke.sqlite3 DEMO_PASSWORD=smoke-demo-password \
		$(BIN)/python manage.py load_brest_demo
	DATABASE_URL=sqlite:////tmp/brest-smoke.sqlite3 DEMO_PASSWORD=smoke-demo-password \
		$(BIN)/python manage.py load_brest_demo
	DATABASE_URL=sqlite:////tmp/brest-bench-smoke.sqlite3 $(BIN)/python manage.py bench \
		--dwellings 600 --months 1 --repeat 2 --import-rows 20 --baseline-dwellings 300
