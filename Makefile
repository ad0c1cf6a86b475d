# herd - a parallel test runner for C.
#
#	make			libherd (static and shared), the herd controller
#	make demo		build and run the example suite
#	make check		herd's whole test suite, plain and under ASan+UBSan
#				(HERD_CHECK_JOBS=N jobs at once, 3 by default)
#	make check SANITIZE=1	the sanitizer build alone
#	make faults		the whole fault matrix (tests/e2e/faults.sh), 42 runs
#	make check-valgrind	the controller's end-to-end tests (ctl_*.sh and a
#				sample of the fault matrix) with herd under valgrind
#	make install PREFIX=...	headers, libraries, herd.pc, herd, man page
#	make bench		side-by-side benchmarks into docs/benchmarks.md
#	make bench-fixtures	a parametrized suite fixture under each --dist mode
#	make bench-binaries	many small binaries: herd vs a shell loop vs CTest
#	make bench-plugins	the plugin hook layer's cost to the controller
#	make bench-memory	the controller's memory at a million items
#	make bench-pytest	herd --pytest vs pytest and pytest-xdist
#	make bench-build	herd build vs snakemake, doit, make and ninja
#	make bench-remote	remote workers over ssh on loopback vs local ones
#	make fuzz		libFuzzer on every parser of user input (clang)
#
# CC, CFLAGS, LDFLAGS, PREFIX and DESTDIR are the user's; WERROR= turns
# warnings back into warnings.

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
MANDIR = $(PREFIX)/share/man
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
CC = cc
CFLAGS = -O2 -g
LDFLAGS =
WERROR = -Werror
SANITIZE =
FUZZ_SECONDS = 60

VERSION := $(shell sed -n 's/^#define HERD_VERSION "\(.*\)"/\1/p' include/herd_version.h)
SOVERSION = 0

ifeq ($(SANITIZE),1)
BUILD = build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD = build
SANFLAGS =
endif

WARN = -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes $(WERROR)
HERD_CFLAGS = $(WARN) -D_GNU_SOURCE -DHERD_PLUGINDIR='"$(LIBDIR)/herd/plugins"' -Iinclude -Icommon -Isrc $(CFLAGS) $(SANFLAGS)

COMMON_SRC = $(wildcard common/*.c)
LIB_SRC = $(wildcard lib/*.c)
SRC_SRC = $(wildcard src/*.c)
COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
SRC_OBJ = $(SRC_SRC:%.c=$(BUILD)/obj/%.o)
HEADERS = $(wildcard include/*.h common/*.h lib/*.h src/*.h)

LIBHERD_A = $(BUILD)/libherd.a
LIBHERD_SO = $(BUILD)/libherd.so.$(SOVERSION)
HERD = $(BUILD)/herd
TARGETS = $(LIBHERD_A) $(LIBHERD_SO) $(BUILD)/libherd.so $(BUILD)/herd.pc
ifneq ($(SRC_SRC),)
TARGETS += $(HERD)
endif

all: $(TARGETS)

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(HERD_CFLAGS) -fPIC -fvisibility=hidden -Ilib -c $< -o $@

# One relocatable object with every internal symbol made local, so nothing
# but the API in herd.h can clash with a name in the user's program.
$(LIBHERD_A): $(LIB_OBJ) $(COMMON_OBJ)
	$(LD) -r -o $(BUILD)/libherd-all.o $(LIB_OBJ) $(COMMON_OBJ)
	objcopy --localize-hidden $(BUILD)/libherd-all.o
	rm -f $@
	$(AR) rcs $@ $(BUILD)/libherd-all.o

$(LIBHERD_SO): $(LIB_OBJ) $(COMMON_OBJ)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -shared -Wl,-soname,libherd.so.$(SOVERSION) \
		-o $@ $(LIB_OBJ) $(COMMON_OBJ) -lm

$(BUILD)/libherd.so: $(LIBHERD_SO)
	ln -sf libherd.so.$(SOVERSION) $@

$(HERD): $(SRC_OBJ) $(COMMON_OBJ)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -Wl,--dynamic-list=src/herd.sym -o $@ \
		$(SRC_OBJ) $(COMMON_OBJ) -lexpat -lxxhash -ldl -lm -pthread

$(BUILD)/herd.pc: herd.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' herd.pc.in > $@

# ---- the example suite ----

EXAMPLES = $(BUILD)/examples/test_strbuf $(BUILD)/examples/test_failures \
	$(BUILD)/examples/test_fakedb $(BUILD)/examples/pipeline

$(BUILD)/examples/test_strbuf: examples/strbuf/test_strbuf.c examples/strbuf/strbuf.c \
		examples/strbuf/strbuf.h include/herd.h $(LIBHERD_A)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -Iexamples/strbuf -o $@ \
		examples/strbuf/test_strbuf.c examples/strbuf/strbuf.c $(LIBHERD_A) -lm

$(BUILD)/examples/test_failures: examples/failures/test_failures.c include/herd.h $(LIBHERD_A)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -o $@ examples/failures/test_failures.c \
		$(LIBHERD_A) -lm

$(BUILD)/examples/test_fakedb: examples/fakedb/test_fakedb.c examples/fakedb/fakedb.c \
		examples/fakedb/fakedb.h include/herd.h $(LIBHERD_A)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -Iexamples/fakedb -o $@ \
		examples/fakedb/test_fakedb.c examples/fakedb/fakedb.c $(LIBHERD_A)

# The pipeline is compiled in its own folder, its project root (herd.ini
# there), so that its node ids and the source files herd build hashes are
# relative to that root: tasks.c::clean, not examples/pipeline/tasks.c::clean.
PIPELINE_SRC = tasks.c test_pipeline.c

$(BUILD)/examples/pipeline: $(PIPELINE_SRC:%=examples/pipeline/%) include/herd.h $(LIBHERD_A)
	@mkdir -p $(@D)
	cd examples/pipeline && $(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -I$(CURDIR)/include \
		-o $(CURDIR)/$@ $(PIPELINE_SRC) $(CURDIR)/$(LIBHERD_A) -lm

# Example plugins (examples/plugins/NAME.c): each builds from include/ alone,
# as a plugin written from docs/plugins.md does.
PLUGIN_SRC = $(wildcard examples/plugins/*.c)
PLUGINS = $(PLUGIN_SRC:examples/plugins/%.c=$(BUILD)/plugins/%.so)

$(BUILD)/plugins/%.so: examples/plugins/%.c include/herd_plugin.h
	@mkdir -p $(@D)
	$(CC) -Wall -Wextra -Werror $(CFLAGS) $(SANFLAGS) -fPIC -shared -Iinclude -o $@ $<

examples: $(EXAMPLES) $(PLUGINS)

demo:
	@sh scripts/setup build
	@$(MAKE) --no-print-directory all examples
	@echo
	@echo '$$ $(BUILD)/examples/test_strbuf'
	@$(BUILD)/examples/test_strbuf
	@echo
	@echo '$$ $(BUILD)/examples/test_failures --timeout 1   # failures on purpose'
	@$(BUILD)/examples/test_failures --timeout 1 || true
	@echo
	@echo '$$ $(BUILD)/herd -n 4 $(BUILD)/examples/test_fakedb   # the controller, 4 workers'
	@$(BUILD)/herd -n 4 $(BUILD)/examples/test_fakedb
	@echo
	@echo '$$ cd examples/pipeline && ../../$(HERD) build -n 2 ../../$(BUILD)/examples/pipeline   # tasks'
	@cd examples/pipeline && ../../$(HERD) build -n 2 ../../$(BUILD)/examples/pipeline

# ---- herd's own tests ----

# The unit tests link libherd's objects directly: they reach its internals.
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT = $(BUILD)/tests/unit

# ... and the controller's modules, all but its main.
CTL_OBJ = $(filter-out $(BUILD)/obj/src/main.o,$(SRC_OBJ))

$(UNIT): $(UNIT_SRC) $(LIB_OBJ) $(COMMON_OBJ) $(CTL_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_GNU_SOURCE $(CFLAGS) $(SANFLAGS) -Iinclude -Icommon -Ilib -Isrc -o $@ \
		$(UNIT_SRC) $(LIB_OBJ) $(COMMON_OBJ) $(CTL_OBJ) -lexpat -lxxhash -ldl -lm -pthread

tests: $(UNIT)

# Both builds by default; SANITIZE=1 the sanitizer build alone.
ifeq ($(SANITIZE),1)
CHECK_BUILDS = build-san
else
CHECK_BUILDS = build build-san
endif

check:
	@sh scripts/setup check
	@for b in $(CHECK_BUILDS); do \
		s=; [ $$b = build-san ] && s=SANITIZE=1; \
		$(MAKE) --no-print-directory $$s all examples tests || exit 1; \
	done
	@sh tests/run.sh $(CHECK_BUILDS)

check-one:
	@$(MAKE) --no-print-directory all examples tests
	@sh tests/run.sh $(BUILD)

fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# The e2e scripts' environment, as tests/run.sh sets it.
E2E_ENV = HERD_BUILD=$(BUILD) HERD_SRC="$$PWD" HERD_ADDOPTS=--no-cache \
	CC="$(CC)" CFLAGS="$(CFLAGS) $(SANFLAGS)"

# Every misbehaviour x --isolation x -n 1|2|8 x --dist mode; make check runs
# a sample of it.
faults:
	@sh scripts/setup check
	@$(MAKE) --no-print-directory all
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/herd-faults.XXXXXX") && \
	$(E2E_ENV) TMPDIR_E2E=$$d FAULTS_FULL=1 FAULTS_TIMES=1 sh tests/e2e/faults.sh \
		</dev/null; st=$$?; rm -rf "$$d"; exit $$st

# herd under valgrind: an error or a definite leak makes herd exit 99, which
# fails the script's status checks, and leaves a non-empty log, shown here.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
VALGRIND_SCRIPTS = tests/e2e/ctl_*.sh tests/e2e/faults.sh

check-valgrind:
	@sh scripts/setup valgrind
	@$(MAKE) --no-print-directory all
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/herd-valgrind.XXXXXX") && mkdir "$$d/logs" && \
	failed=; for s in $(VALGRIND_SCRIPTS); do \
		echo "==== valgrind: $$s"; \
		$(E2E_ENV) TMPDIR_E2E=$$d HERD_E2E_LIMIT=600 \
		HERD_WRAP="$(VALGRIND) --log-file=$$d/logs/%p.log" \
			sh $$s </dev/null >"$$d/out" 2>&1 || failed="$$failed $$s"; \
		grep -v '^ok ' "$$d/out"; \
	done; \
	for l in "$$d"/logs/*.log; do \
		[ -s "$$l" ] || continue; failed="$$failed $${l##*/}"; \
		echo "---- valgrind log $${l##*/}"; head -n 80 "$$l"; \
	done; rm -rf "$$d"; \
	if [ -n "$$failed" ]; then echo "check-valgrind: failing:$$failed"; exit 1; fi; \
	echo "check-valgrind: clean"

bench:
	@sh scripts/setup bench
	@$(MAKE) --no-print-directory all
	@HERD_BUILD=$(BUILD) sh bench/run.sh

# Setups and wall time of a parametrized suite fixture under each --dist mode.
bench-fixtures: all
	@HERD_BUILD=$(BUILD) sh bench/fixtures.sh

# 20 small binaries: herd -n 2 against a shell loop of them and CTest -j2.
bench-binaries: all
	@sh scripts/setup bench
	@HERD_BUILD=$(BUILD) sh bench/binaries.sh

# The plugin hook layer's cost to the controller: no plugin and the lifecycle
# plugin against the herd before the layer, on 2,000 empty tests.
bench-plugins: all examples
	@sh scripts/setup bench
	@HERD_BUILD=$(BUILD) sh bench/plugins.sh

.PHONY: bench-plugins

# The controller's peak RSS and heap per item at 1,000,000 items.
bench-memory: all
	@HERD_BUILD=$(BUILD) sh bench/memory.sh

.PHONY: bench-memory

# Task graphs: herd build against snakemake, doit, make and ninja (no-op
# rebuild, makespan, a changed input in a deep chain); BENCH_QUICK=1 for a
# smoke run.
bench-build: all
	@sh scripts/setup bench
	@HERD_BUILD=$(BUILD) sh bench/build.sh

.PHONY: bench-build

# Generated pytest suites: herd --pytest against serial pytest and pytest-xdist.
bench-pytest: all
	@sh scripts/setup bench
	@HERD_BUILD=$(BUILD) sh bench/pytest.sh

.PHONY: bench-pytest

# Remote workers over a private sshd on loopback against local workers.
bench-remote: all
	@sh scripts/setup bench
	@HERD_BUILD=$(BUILD) sh bench/remote.sh

.PHONY: bench-remote

# ---- install ----

install: all
	mkdir -p $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	cp include/herd.h include/herd_version.h include/herd_plugin.h $(DESTDIR)$(INCLUDEDIR)/
	mkdir -p $(DESTDIR)$(LIBDIR)/herd/plugins
	cp $(LIBHERD_A) $(DESTDIR)$(LIBDIR)/libherd.a
	cp $(LIBHERD_SO) $(DESTDIR)$(LIBDIR)/libherd.so.$(SOVERSION)
	ln -sf libherd.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libherd.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    herd.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/herd.pc
	if [ -f $(HERD) ]; then mkdir -p $(DESTDIR)$(BINDIR) && cp $(HERD) $(DESTDIR)$(BINDIR)/herd; fi
	if [ -f docs/herd.1 ]; then mkdir -p $(DESTDIR)$(MANDIR)/man1 && \
		cp docs/herd.1 $(DESTDIR)$(MANDIR)/man1/herd.1; fi
	mkdir -p $(DESTDIR)$(LIBDIR)/herd/herd_pytest
	cp python/herd-pytest-worker $(DESTDIR)$(LIBDIR)/herd/herd-pytest-worker
	cp python/herd_pytest/*.py $(DESTDIR)$(LIBDIR)/herd/herd_pytest/

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/herd.h $(DESTDIR)$(INCLUDEDIR)/herd_version.h \
	      $(DESTDIR)$(INCLUDEDIR)/herd_plugin.h $(DESTDIR)$(LIBDIR)/libherd.a \
	      $(DESTDIR)$(LIBDIR)/libherd.so $(DESTDIR)$(LIBDIR)/libherd.so.$(SOVERSION) \
	      $(DESTDIR)$(PKGCONFIGDIR)/herd.pc $(DESTDIR)$(BINDIR)/herd \
	      $(DESTDIR)$(MANDIR)/man1/herd.1
	rm -rf $(DESTDIR)$(LIBDIR)/herd/herd-pytest-worker $(DESTDIR)$(LIBDIR)/herd/herd_pytest

clean:
	rm -rf build build-san

.PHONY: all examples tests fuzz faults demo check check-one check-valgrind bench bench-fixtures bench-binaries install \
	uninstall clean
