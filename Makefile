# Every target creates or reuses .venv from requirements.txt by itself.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SITE   ?= .
ARGS   ?=
# The generator as the make targets run it; SITUS_KPU_MAKE tells it so, and the commands it prints are make's.
GEN    := SITUS_KPU_MAKE="$(CURDIR)" $(PY) -m generator

.PHONY: serve build test test-quick test-windows-like check new views clean golden bench browser tools lighthouse screenshots screenshots-launcher publish verify import-wordpress

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

serve: $(STAMP)
	$(GEN) serve --site $(SITE) $(ARGS)

build: $(STAMP)
	$(GEN) build --site $(SITE) $(ARGS)

check: $(STAMP)
	$(GEN) check --site $(SITE)

# make new TITLE="Rapat Pleno Terbuka"
new: $(STAMP)
	@test -n "$(TITLE)" || { echo 'Pakai: make new TITLE="Judul Berita"'; exit 2; }
	$(GEN) new --site $(SITE) "$(TITLE)"

# make views LOGS="access.log access.log.1.gz" (ARGS="--dry-run" only shows the report)
views: $(STAMP)
	@test -n "$(LOGS)" || { echo 'Pakai: make views LOGS="access.log access.log.1.gz"'; exit 2; }
	$(GEN) views --site $(SITE) $(ARGS) $(LOGS)

# make import-wordpress EXPORT=ekspor.xml UPLOADS=cadangan/wp-content/uploads ARGS="--dry-run"
import-wordpress: $(STAMP)
	@test -n "$(EXPORT)" || { echo 'Pakai: make import-wordpress EXPORT=ekspor.xml [UPLOADS=folder/uploads] [ARGS="--dry-run"]'; exit 2; }
	$(GEN) import-wordpress --site $(SITE) $(if $(UPLOADS),--uploads "$(UPLOADS)") $(ARGS) "$(EXPORT)"

# Chromium for the browser tests (Debian's package); skipped quietly when it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium tidak terpasang: uji peramban dilewati"; }

# The npm tools of the readers' checks (axe-core, vnu-jar, lighthouse), pinned in package-lock.json; installed again
# when the lock file changes. Without npm the checks that need them are skipped (CI sets REQUIRE_BROWSER=1: they fail).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@ || echo "npm ci gagal: uji axe dan Nu HTML Checker dilewati"; \
	else echo "npm tidak ada: uji axe dan Nu HTML Checker dilewati"; fi

tools: $(NODE_STAMP)

# After the whole suite, the build and incremental tests once more in the Windows-like mode (issue 23): fork and
# fcntl hidden (spawned workers, the loopback build lock, paths shown with \), output as in the normal mode.
WINDOWS_LIKE_TESTS := tests/test_build.py tests/test_incremental.py

# pytest-xdist workers, one more than the cores this process may use (at most 9): much of a worker's time is spent waiting on Chromium,
# a loopback server or a `python -m generator` it started, and a third worker on a 2-core machine fills that wait
# (the whole suite: 488 s against 495-565 s with two). Each takes whole modules (--dist loadfile), so a module's
# shared fixtures are built once; XDIST="-n 0" runs in one process (ARGS are pytest's own:
# ARGS="-x tests/test_build.py").
WORKERS ?= $(shell python3 -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') \
                 else os.cpu_count() or 1; print(min(n, 8) + 1)" 2>/dev/null || echo 2)
XDIST ?= -n $(WORKERS) --dist loadfile

# Python keeps compiled modules (__pycache__) during the tests even where the machine sets PYTHONDONTWRITEBYTECODE
# (this one and CI's do): without them each of the suite's hundreds of `python -m generator` runs compiled every
# module it imports from source again (0.28 s for all), and pytest rewrote every test module's asserts in each worker.
test test-quick test-windows-like: export PYTHONDONTWRITEBYTECODE =

test: $(STAMP) browser tools
	$(PY) -m pytest -q $(XDIST) $(ARGS)
	@$(MAKE) --no-print-directory test-windows-like

test-windows-like: $(STAMP)
	SITUS_KPU_PLATFORM=windows $(PY) -m pytest -q -p no:cacheprovider $(XDIST) $(WINDOWS_LIKE_TESTS)

# The edit loop: no browser, no servers, nothing slow (each test module names its tier; see pytest.ini).
test-quick: $(STAMP)
	$(PY) -m pytest -q $(XDIST) -m quick $(ARGS)

# Lighthouse (mobile profile) on the home page, a post, its gallery and /dokumen/ of the sample site; prints the four
# scores, fails under 98 (issue 26).
lighthouse: $(STAMP) browser tools
	$(PY) -m tests.lighthouse --site $(SITE) $(ARGS)

# The staff guide's pictures (docs/gambar/), taken from the sample site in Chromium; run again after a theme change.
screenshots: $(STAMP) browser
	$(PY) scripts/screenshots.py $(ARGS)

# The guide's pictures of the Linux launcher (docs/gambar/peluncur-*.png): a fresh site from `init`, its
# mulai-redaksi.sh run in xterm on a virtual display (Xvfb) without Python on the PATH, a first time (installs from
# PyPI: needs the internet) and a second time. Needs Debian's xvfb, xterm, x11-utils and imagemagick, installed here
# when possible; not part of `make test` or CI.
screenshots-launcher: $(STAMP)
	@{ command -v Xvfb && command -v xterm && command -v xwininfo && command -v import; } >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xterm x11-utils imagemagick fonts-dejavu-core >/dev/null); } || true
	$(PY) scripts/launcher_screenshots.py $(ARGS)

# Regenerate the expected output of the fixture site after an intended change.
golden: $(STAMP)
	$(PY) -m tests.golden

clean:
	rm -rf output .cache .pytest_cache .hypothesis

# Our build against Hugo and Pelican (issue 4): make bench, or make bench ARGS="--quick" while developing; then the
# search-quality check on the 5,000-post corpus (the test suite runs it on 300 posts; 1,200 here with --quick).
# The publish section needs sshd and rsync (Debian's packages), installed here when possible; so does the verify
# section (issue 25), which runs alone with: python benchmarks/verify.py (or run.py --only verify --no-publish).
bench: $(STAMP) browser
	@{ [ -x /usr/sbin/sshd ] && command -v rsync >/dev/null 2>&1; } || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client rsync >/dev/null) || \
	  echo "openssh-server/rsync tidak terpasang: bagian terbit dari bench dilewati"; }
	$(PY) benchmarks/run.py $(ARGS)
	$(PY) benchmarks/workers.py $(if $(findstring --quick,$(ARGS)),--runs 1)
	$(PY) benchmarks/search_quality.py $(if $(findstring --quick,$(ARGS)),--posts 1200)

# Build, then publish to the first target in config.yaml (or: make publish ARGS="cadangan", ARGS="--all --dry-run").
publish: $(STAMP)
	$(GEN) publish --site $(SITE) $(ARGS)

# Is the live site exactly what was last published? (or: make verify ARGS="--repair", ARGS="--http", ARGS="cadangan")
verify: $(STAMP)
	$(GEN) verify --site $(SITE) $(ARGS)
