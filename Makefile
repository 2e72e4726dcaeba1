# gongwen: `make` renders every document in data/ into out/; `make test` runs the tests.

CARGO ?= cargo
BIN   := target/release/gongwen
DATA  ?= data
OUT   ?= out

.PHONY: all build render test lint fmt clean

all: render

build:
	$(CARGO) build --release --locked

render: build
	$(BIN) build $(DATA) -o $(OUT)

test:
	$(CARGO) test --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf $(OUT)/*.md $(OUT)/*.csv
