# dualtrack - plain GNU Makefile.
#
#   make            build build/dualtrack
#   make test       unit tests (cmocka) and end-to-end tests (node --test), on SQLite
#                   and on a throw-away PostgreSQL (DUALTRACK_BACKEND=sqlite|pgsql: one)
#   make asan       the same tests under ASan+UBSan (-fno-sanitize-recover), on SQLite
#                   (the PostgreSQL driver's own tests included; DUALTRACK_BACKEND=both for all)
#   make fuzz       libFuzzer harnesses (tests/fuzz/), each for FUZZ_SECONDS (60)
#   make run        install what is missing, build, load the demo pilot, serve it
#   make bench      benchmarks under bench/
#   make clean
#
# Dependencies come from pkg-config; scripts/deps.sh installs them.

BUILD   ?= build
CC      ?= cc
PKGS    := sqlite3 libpq libsodium jansson libh2o-evloop xlsxwriter pwquality zlib libzip libxml-2.0 pangocairo fontconfig libcurl libcmark # xlsxwriter: XLSX export (io/export.c, io/dashboard_xlsx.c); pwquality: password rules (core/password.c); zlib: gzip of GET /api/v1/schema (http/h_schema.c); libzip, libxml-2.0: XLSX import (io/xlsx.c); pangocairo, fontconfig: PDF documents (io/pdf.c); libcurl: notification delivery (engine/deliver.c); libcmark: Markdown of cases and news (core/markdown.c)
SAN     ?=
OPT     ?= -O2

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wvla -Wshadow -Wformat=2
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 $(WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS)
LIBS    := $(PKG_LIBS) -lcsv -lssl -lcrypto -lpthread -lm

ifeq ($(SAN),1)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
endif
# The library as the fuzz harnesses link it (clang; see tests/fuzz/).
ifeq ($(SAN),fuzz)
ALL_CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer
endif

# Library sources: everything under src/ except the CLI entry point.
LIB_SRC  := $(sort $(wildcard src/core/*.c src/domain/*.c src/store/*.c src/engine/*.c src/io/*.c src/doc/*.c src/portal/*.c src/http/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
GEN_SRC  := $(BUILD)/gen/embedded.c
EMBED    := $(sort $(wildcard src/store/migrations/*.sql src/store/migrations/pgsql/*.sql)) data/regions.csv data/occupations.csv \
            src/store/audit-dict-1.txt

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
# The web application (web/**), compiled with its gzip copies for src/http/h_ui.c.
WEB      := $(sort $(shell find web -type f ! -name '.*' 2>/dev/null))
LIB_OBJ  += $(BUILD)/obj/gen/web.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Fuzz harnesses: tests/fuzz/fuzz_NAME.c, each with tests/fuzz/corpus/NAME/,
# tests/fuzz/regress/NAME/ and maybe tests/fuzz/NAME.dict.  The ones that
# drive the dispatcher link tests/fuzz/fake_http.c in place of the server.
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_HTTP  := http list
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC    ?= clang
FUZZ_BIN   := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/bin/fuzz_%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
fuzz_extra = $(if $(filter $(1),$(FUZZ_HTTP)),tests/fuzz/fake_http.c)

BIN      := $(BUILD)/dualtrack

.PHONY: all deps test test-unit test-e2e asan run bench clean fmt fuzz fuzz-build fmt-check
all: $(BIN)

deps:
	@scripts/deps.sh

$(BUILD)/gen/embedded.c: scripts/embed.sh $(EMBED)
	@mkdir -p $(@D)
	scripts/embed.sh $@ $(EMBED)

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/gen/web.c: scripts/embed-web.sh $(WEB)
	@mkdir -p $(@D)
	scripts/embed-web.sh $@ web

$(BUILD)/obj/gen/web.o: $(BUILD)/gen/web.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libdualtrack.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libdualtrack.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libdualtrack.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdualtrack.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(BUILD)/libdualtrack.a $(LIBS) -lcmocka

# A harness with the replay driver and the ordinary compiler (make test, make asan).
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h \
		tests/fuzz/fake_http.c $(BUILD)/libdualtrack.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c \
		$(call fuzz_extra,$*) $(BUILD)/libdualtrack.a $(LIBS)

# A libFuzzer harness: clang, the library built with the same sanitizers.
$(FUZZ_BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fake_http.c \
		$(FUZZ_BUILD)/libdualtrack.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -Itests/fuzz -o $@ $< $(call fuzz_extra,$*) \
		$(FUZZ_BUILD)/libdualtrack.a $(LIBS)

test-unit: $(UNIT_BIN)
test-e2e: $(BIN)

# The whole suite: unit binaries, fuzz replays, then node --test on tests/e2e; one summary line.
test: deps
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) FUZZ_REPLAY="$(REPLAY_BIN)" scripts/run-tests.sh $(UNIT_BIN)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 build/asan/dualtrack \
		$(UNIT_SRC:tests/unit/%.c=build/asan/tests/%) \
		$(FUZZ_NAMES:%=build/asan/tests/replay_%)
	@BUILD=build/asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		TEST_TIMEOUT=$${TEST_TIMEOUT:-3000} \
		DUALTRACK_BACKEND=$${DUALTRACK_BACKEND:-sqlite} \
		FUZZ_REPLAY="$(FUZZ_NAMES:%=build/asan/tests/replay_%)" \
		scripts/run-tests.sh $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

# Build the harnesses (the library objects go to build/fuzz, compiled by clang).
fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SAN=fuzz OPT=-O1 \
		$(FUZZ_BIN)

# Run each harness for FUZZ_SECONDS; fails if any crashes.  FUZZ=NAME runs one.
fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		scripts/fuzz.sh $(or $(FUZZ),$(FUZZ_NAMES))

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/run.sh

bench: deps $(BIN)
	@for b in bench/*.sh; do echo "== $$b"; bash $$b || exit 1; done

compile_commands.json: Makefile $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC)
	@scripts/compile-commands.sh "$(CC) $(ALL_CFLAGS)" $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) > $@

FMT_SRC := $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard src/*/*.h tests/unit/*.h tests/fuzz/*.[ch])

fmt:
	clang-format -i $(FMT_SRC)

# Fails naming each file that differs from what .clang-format makes of it.
fmt-check:
	@bad=0; for f in $(FMT_SRC); do \
		clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || { echo "not formatted: $$f"; bad=1; }; \
	done; \
	if [ $$bad = 0 ]; then echo "fmt-check: 1 passed, 0 failed"; else echo "fmt-check: 0 passed, 1 failed (run make fmt)"; exit 1; fi

clean:
	rm -rf build compile_commands.json

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
