# gongwen: `make` renders every document in data/ into out/; `make test` runs the tests.
# Both install what they need when it is missing: the pinned typst CLI (built with cargo,
# cached outside the checkout so that a fresh clone reuses it) and the Debian packages
# of the open CJK fonts and poppler-utils (and, for the tests, LibreOffice Writer and Calc
# and xmllint).

CARGO         ?= cargo
BIN           := $(or $(CARGO_TARGET_DIR),target)/release/gongwen
DATA          ?= data
OUT           ?= out
TYPST_VERSION := 0.15.1
TYPST         := tools/typst/bin/typst
TYPST_CACHE   ?= $(HOME)/.cache/gongwen/typst-$(TYPST_VERSION)

# gongwen and its tests use the project's own typst.
export GONGWEN_TYPST := $(abspath $(TYPST))

.PHONY: all build render install uninstall test lint fmt bench fuzz deps deps-office typst clean

all: render

build:
	$(CARGO) build --release --locked

render: build deps $(TYPST)
	$(BIN) build $(DATA) -o $(OUT)

# gongwen and its pinned typst (as gongwen-typst, where gongwen looks first) into
# $(PREFIX)/bin, so that it works from any folder; the fonts are installed system-wide.
PREFIX ?= $(HOME)/.local
install: build deps $(TYPST)
	install -d "$(PREFIX)/bin"
	install -m 755 "$(BIN)" "$(PREFIX)/bin/gongwen"
	install -m 755 "$(TYPST)" "$(PREFIX)/bin/gongwen-typst"
	@case ":$$PATH:" in *":$(abspath $(PREFIX))/bin:"*) ;; \
		*) echo "add $(abspath $(PREFIX))/bin to PATH, e.g. in ~/.profile: export PATH=\"$(abspath $(PREFIX))/bin:\$$PATH\"" ;; esac

uninstall:
	rm -f "$(PREFIX)/bin/gongwen" "$(PREFIX)/bin/gongwen-typst"

# As root, the tests that need root (a tmpfs mounted to fill a disk) run too; elsewhere
# the test harness lists them as ignored, with the reason.
test: deps-office $(TYPST)
	$(CARGO) test --locked $(if $(filter 0,$(shell id -u)),-- --include-ignored)

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

bench: build deps $(TYPST)
	scripts/bench.sh $(BIN) $(TYPST) $(DATA)

# Property tests with many more cases, each run stopped after FUZZ_SECONDS at the most.
FUZZ_CASES   ?= 100000
FUZZ_SECONDS ?= 900
fuzz: deps $(TYPST)
	PROPTEST_CASES=$(FUZZ_CASES) timeout $(FUZZ_SECONDS) $(CARGO) test --release --locked --test fuzz
	PROPTEST_CASES=$(FUZZ_CASES) timeout $(FUZZ_SECONDS) $(CARGO) test --release --locked --test markdown_pdf

deps:
	@scripts/install-deps.sh

# The tests also open the DOCX and XLSX outputs in LibreOffice.
deps-office:
	@scripts/install-deps.sh office

typst: $(TYPST)

# typst is built once into the cache (about 8 minutes on 2 cores), then copied here.
# The HTTP server feature is left out: gongwen never fetches packages.
$(TYPST):
	@if ! "$(TYPST_CACHE)/bin/typst" --version 2>/dev/null | grep -q " $(TYPST_VERSION) "; then \
		echo "building typst $(TYPST_VERSION) into $(TYPST_CACHE) (once; takes several minutes)"; \
		$(CARGO) install typst-cli --version $(TYPST_VERSION) --locked \
			--no-default-features --features embedded-fonts --root "$(TYPST_CACHE)"; \
	fi
	mkdir -p $(dir $@)
	cp "$(TYPST_CACHE)/bin/typst" $@

clean:
	$(CARGO) clean
	rm -rf tools
	find $(OUT) -type f ! -name .gitkeep -delete
