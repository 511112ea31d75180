# tsc -- Telescope in C, as a toolkit of small Unix filters.  Plain GNU make.
#   make            build every tool into bin/ and lib/libtsc.a
#   make test       (= check) unit tests, tool tests, golden comparisons; SAN=1 under ASan+UBSan
#   make demo       run the whole job on examples/
#   make bench      speed and accuracy side by side with samtools and featureCounts
#   make deps       install missing build/test dependencies (Debian/Ubuntu, as root)
#   make install    prefix=/usr/local DESTDIR=
#   make fuzz | tsan | valgrind   libFuzzer harnesses; ThreadSanitizer; memcheck (not in make test)
CC       = gcc
CFLAGS   = -O2 -g
WFLAGS   = -Wall -Wextra -Werror -std=gnu11 -ffp-contract=off
CPPFLAGS =
LDFLAGS  =
LIBS     =
HTSDIR   =
prefix   = /usr/local
exec_prefix = $(prefix)
bindir   = $(exec_prefix)/bin
mandir   = $(prefix)/share/man
man1dir  = $(mandir)/man1
man5dir  = $(mandir)/man5
man7dir  = $(mandir)/man7
DESTDIR  =
SAN      =

ifeq ($(HTSDIR),)
HTS_CFLAGS := $(shell pkg-config --cflags htslib 2>/dev/null)
HTS_LIBS   := $(shell pkg-config --libs htslib 2>/dev/null || echo -lhts)
else
HTS_CFLAGS := -I$(HTSDIR)/include -I$(HTSDIR)
HTS_LIBS   := -L$(HTSDIR)/lib -L$(HTSDIR) -Wl,-rpath,$(abspath $(HTSDIR)) -lhts
endif

VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo 0.1)
ifeq ($(SAN),1)
B        = build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B        = build
SANFLAGS =
endif
BIN      = $(if $(filter 1,$(SAN)),$(B)/bin,bin)

# libdeflate (tsc-fetch decodes BGZF with it, as htslib does; zlib if it is missing)
DEFLATE_LIBS  := $(shell pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate)
DEFLATE_FLAGS := $(if $(DEFLATE_LIBS),-DTSC_HAVE_LIBDEFLATE)

ALL_CPPFLAGS = -Ilib -I$(B) $(HTS_CFLAGS) $(DEFLATE_FLAGS) -DTSC_VERSION='"$(VERSION)"' -DCL_TARGET_OPENCL_VERSION=120 $(CPPFLAGS)
ALL_CFLAGS   = $(WFLAGS) $(CFLAGS) -fopenmp $(SANFLAGS)
ALL_LDFLAGS  = -fopenmp $(SANFLAGS) $(LDFLAGS)
ALL_LIBS     = $(HTS_LIBS) $(DEFLATE_LIBS) -lOpenCL -lz -lm -lpthread $(LIBS)

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
TOOL_SRC = $(wildcard tools/tsc-*.c)
TOOLS    = $(TOOL_SRC:tools/%.c=$(BIN)/%)
SCRIPTS  = $(filter-out %.c,$(wildcard tools/tsc-*))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
KERNELS  = $(wildcard kernels/*.cl)
LIBTSC   = $(if $(filter 1,$(SAN)),$(B)/libtsc.a,lib/libtsc.a)

.PHONY: deps-ok all check test demo bench deps install clean units fuzz tsan valgrind FORCE
.SUFFIXES:

all: deps-ok $(TOOLS) $(UNITS)

$(B)/version.txt: FORCE
	@mkdir -p $(B); echo '$(VERSION) $(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(VERSION) $(CC) $(ALL_CFLAGS)' > $@

$(B)/tsc_kernels.h: $(KERNELS) scripts/embed-kernels.sh | deps-ok
	@mkdir -p $(B)
	sh scripts/embed-kernels.sh $(KERNELS) > $@.tmp && mv $@.tmp $@

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h) $(B)/tsc_kernels.h $(B)/version.txt | deps-ok
	@mkdir -p $(B)/lib
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBTSC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $(LIB_OBJ)

$(BIN)/tsc-%: tools/tsc-%.c $(LIBTSC) $(wildcard lib/*.h) | deps-ok
	@mkdir -p $(BIN)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIBTSC) $(ALL_LDFLAGS) $(ALL_LIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(LIBTSC) $(wildcard lib/*.h) $(wildcard tests/unit/*.h)
	@mkdir -p $(B)/tests
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< $(LIBTSC) $(ALL_LDFLAGS) $(ALL_LIBS)

# Dependencies: installed from Debian's packages when missing (as root), else the command is printed.
deps-ok:
	@sh scripts/deps.sh check >/dev/null 2>&1 || sh scripts/deps.sh install
deps:
	@sh scripts/deps.sh install

check test: all
	@TSC_BIN=$(abspath $(BIN)) TSC_UNITS=$(abspath $(B)/tests) TSC_SAN=$(SAN) sh tests/run.sh $(T)

demo: all
	@sh scripts/demo.sh $(abspath $(BIN))

bench: all
	@TSC_BIN=$(abspath $(BIN)) bash scripts/bench.sh

fuzz: deps-ok
	@$(MAKE) -f tests/fuzz/Makefile

# ThreadSanitizer over the threaded paths (clang + libomp/Archer; into build/tsan)
tsan: deps-ok
	@sh tests/tsan.sh

# memcheck over every stage on the golden data (slow)
valgrind: all
	@sh scripts/valgrind-check.sh $(abspath $(BIN))

install: all
	mkdir -p $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) $(DESTDIR)$(man5dir) $(DESTDIR)$(man7dir)
	install -m 755 $(TOOLS) $(SCRIPTS) $(DESTDIR)$(bindir)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(man1dir)
	install -m 644 $(wildcard man/*.5) $(DESTDIR)$(man5dir)
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(man7dir)

clean:
	rm -rf build bin lib/libtsc.a tests/*.tmp tests/*/*.tmp
