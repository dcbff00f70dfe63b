# Every target creates or reuses .venv from requirements.txt by itself.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SITE   ?= .
ARGS   ?=

.PHONY: serve build test check new clean golden bench browser

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

serve: $(STAMP)
	$(PY) -m generator serve --site $(SITE) $(ARGS)

build: $(STAMP)
	$(PY) -m generator build --site $(SITE) $(ARGS)

check: $(STAMP)
	$(PY) -m generator check --site $(SITE)

# make new TITLE="Rapat Pleno Terbuka"
new: $(STAMP)
	@test -n "$(TITLE)" || { echo 'Pakai: make new TITLE="Judul Berita"'; exit 2; }
	$(PY) -m generator new --site $(SITE) "$(TITLE)"

# Chromium for the browser tests (Debian's package); skipped quietly when it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium tidak terpasang: uji peramban dilewati"; }

test: $(STAMP) browser
	$(PY) -m pytest -q $(ARGS)

# Regenerate the expected output of the fixture site after an intended change.
golden: $(STAMP)
	$(PY) -m tests.golden

clean:
	rm -rf output .cache .pytest_cache .hypothesis

# Our build against Hugo and Pelican (issue 4): make bench, or make bench ARGS="--quick" while developing.
bench: $(STAMP)
	$(PY) benchmarks/run.py $(ARGS)
