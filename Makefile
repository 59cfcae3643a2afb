# A thin driver for Meson.  `make check` and `make demo` install the Debian
# packages they need first (scripts/install-deps), then build.
#
#   make            build (build/)
#   make check      build and run every test; last line "N passed, N failed"
#   make demo       build (DEMODIR, with a private prefix) and run the
#                   end-to-end demonstration (needs root; scripts/demo)
#   make asan       build with clang, AddressSanitizer and UBSan, and run
#                   every test (the unit tests and fuzz corpora with
#                   LeakSanitizer)
#   make fuzz       build the libFuzzer harnesses (clang) and run each one
#                   for FUZZ_SECONDS seconds
#   make bench      build (BENCHDIR, optimized) and run the benchmarks; one
#                   table, never a failing status for a missed target
#                   (bench/README.md; BENCH_FLAGS="--compare PREFIX" etc.)
#   make valgrind   build (VGDIR) and run the unit tests and fuzz corpora
#                   under memcheck: any error or definite leak fails them
#                   (system-library leaks: scripts/valgrind.supp)
#   make lint       static analysis: cppcheck, and gcc -fanalyzer over the
#                   product sources (scripts/lint); any finding fails
#   make format     reformat the C sources with clang-format
#   make clean      remove the build directories

BUILDDIR     ?= build
ASANDIR      ?= build-asan
FUZZDIR      ?= build-fuzz
FUZZ_SECONDS ?= 60
BENCHDIR     ?= build-bench
VGDIR        ?= build-valgrind
DEMODIR      ?= build-demo
BENCH_FLAGS  ?=
MESON_FLAGS  ?= -Dwerror=true

.PHONY: all deps build check demo asan valgrind lint fuzz bench format clean

all: build

deps:
	@scripts/install-deps

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) $(MESON_FLAGS)

build: deps $(BUILDDIR)/build.ninja
	ninja -C $(BUILDDIR)

check: build
	@if [ "$$(id -u)" = 0 ]; then scripts/test-accounts; fi
	meson test -C $(BUILDDIR) --print-errorlogs --num-processes 2 || true
	@scripts/tap-summary $(BUILDDIR)

demo: deps
	MESON_FLAGS="$(MESON_FLAGS)" scripts/demo $(DEMODIR)

$(ASANDIR)/build.ninja:
	CC=clang meson setup $(ASANDIR) $(MESON_FLAGS) -Db_sanitize=address,undefined \
	    -Db_lundef=false

# The unit tests and corpora with LeakSanitizer; then the command-level
# tests (the staged setuid IMP included) with ASan and UBSan but without
# LeakSanitizer, which cannot trace a process that is not dumpable (the
# IMP) and whose leaks the unit tests and valgrind already cover.
asan: deps $(ASANDIR)/build.ninja
	ninja -C $(ASANDIR)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    meson test -C $(ASANDIR) --suite unit --print-errorlogs || true
	@if [ "$$(id -u)" = 0 ]; then scripts/test-accounts; fi
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    meson test -C $(ASANDIR) --suite sharness --print-errorlogs \
	    --logbase testlog-sharness || true
	@scripts/tap-summary $(ASANDIR) $(ASANDIR):testlog-sharness

lint: build
	scripts/lint $(BUILDDIR)

$(VGDIR)/build.ninja:
	meson setup $(VGDIR) $(MESON_FLAGS) -Dbuildtype=debug

valgrind: deps $(VGDIR)/build.ninja
	ninja -C $(VGDIR)
	meson test -C $(VGDIR) --suite unit --print-errorlogs --num-processes 2 \
	    --wrap='valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --suppressions=$(CURDIR)/scripts/valgrind.supp' \
	    || true
	@scripts/tap-summary $(VGDIR):testlog-valgrind

$(FUZZDIR)/build.ninja:
	CC=clang meson setup $(FUZZDIR) $(MESON_FLAGS) -Dfuzzing=true \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dtests=false

fuzz: deps $(FUZZDIR)/build.ninja
	ninja -C $(FUZZDIR)
	scripts/run-fuzzers $(FUZZDIR) $(FUZZ_SECONDS)

bench: deps
	bench/run --builddir $(BENCHDIR) $(BENCH_FLAGS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILDDIR) $(ASANDIR) $(FUZZDIR) $(BENCHDIR) $(VGDIR) $(DEMODIR)
