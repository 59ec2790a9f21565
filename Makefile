# SPDX-License-Identifier: GPL-2.0-or-later
#
# One Makefile for the whole tree.  `make` builds build/sipc, build/sipd and
# build/sipctl; `make check` installs missing Debian packages and runs every
# test; `make run` starts sipd on examples/hello.sipc; `make asan` runs the
# suite with ASan+UBSan in build-asan/.  re2c and Lemon output is generated
# into $(B)/gen and never committed.

B        ?= build
CC       ?= cc
SAN      ?=
OPT      ?= -O2 -g

SOFIA_CFLAGS := $(shell pkg-config --cflags sofia-sip-ua 2>/dev/null | sed 's/-I/-isystem /g')
SOFIA_LIBS   := $(shell pkg-config --libs sofia-sip-ua 2>/dev/null || echo -lsofia-sip-ua)

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-missing-field-initializers
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS   = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP \
           -Icompiler -Iruntime -Iruntime/include -Istdlib -I$(B)/gen
LDFLAGS  = $(SANFLAGS)

# --- sources -------------------------------------------------------------
COMPILER_SRCS := $(sort $(wildcard compiler/*.c))
RUNTIME_SRCS  := $(sort $(wildcard runtime/*.c) $(wildcard stdlib/*.c))
UNIT_SRCS     := $(sort $(wildcard tests/unit/*.c))
GEN_SRCS      := $(B)/gen/lexer.c $(B)/gen/parser.c $(B)/gen/abi_text.c

COMPILER_OBJS := $(COMPILER_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/gen/lexer.o \
                 $(B)/obj/gen/parser.o $(B)/obj/gen/abi_text.o
RUNTIME_OBJS  := $(RUNTIME_SRCS:%.c=$(B)/obj/%.o)
UNIT_OBJS     := $(UNIT_SRCS:%.c=$(B)/obj/%.o)

PROGS := $(B)/sipc $(B)/sipd $(B)/sipctl

.PHONY: all check test unit golden e2e run deps asan clean fuzz
all: $(PROGS)

# --- generated sources ---------------------------------------------------
$(B)/gen/lexer.c: compiler/lexer.re $(B)/gen/parser.h
	@mkdir -p $(@D)
	re2c -W -Werror --no-generation-date --no-version -o $@ $<

# Lemon writes next to its input, so it runs on a copy inside $(B)/gen.
$(B)/gen/parser.c $(B)/gen/parser.h: compiler/parser.y
	@mkdir -p $(B)/gen
	cp compiler/parser.y $(B)/gen/parser.y
	cd $(B)/gen && lemon -s -q parser.y >/dev/null

# The ABI header as a C string, so both backends can hand it to the C
# compiler without finding it on disk.
$(B)/gen/abi_text.c: runtime/include/sipc/abi.h
	@mkdir -p $(@D)
	{ printf 'const char sipc_abi_h_text[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  printf ';\n'; } > $@

# --- objects and programs ------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/runtime/%.o $(B)/obj/stdlib/%.o: CFLAGS += $(SOFIA_CFLAGS)
$(B)/obj/bin/sipd.o $(B)/obj/bin/sipctl.o: CFLAGS += $(SOFIA_CFLAGS)

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-unused-parameter -Wno-unused-variable -Wno-missing-prototypes \
	    -Wno-unused-but-set-variable -c -o $@ $<

# Every compiler object needs parser.h (token codes) to exist first.
$(COMPILER_SRCS:%.c=$(B)/obj/%.o) $(UNIT_OBJS): $(B)/gen/parser.h

$(B)/libsipcc.a: $(COMPILER_OBJS)
	rm -f $@ && ar rcs $@ $^
$(B)/libsipcrt.a: $(RUNTIME_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/sipc: $(B)/obj/bin/sipc.o $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -o $@ $^

# -rdynamic: policy.so objects resolve the host functions of abi.h in sipd.
$(B)/sipd: $(B)/obj/bin/sipd.o $(B)/libsipcrt.a $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^ -ltcc $(SOFIA_LIBS) -ldl -lm

$(B)/sipctl: $(B)/obj/bin/sipctl.o $(B)/libsipcrt.a
	$(CC) $(LDFLAGS) -o $@ $^ -ldl

$(B)/unit_tests: $(UNIT_OBJS) $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcunit

# --- tests ---------------------------------------------------------------
deps:
	@sh tools/deps.sh

unit: $(B)/unit_tests
	$(B)/unit_tests

golden: $(B)/sipc
	@sh tests/golden/run.sh $(B)/sipc

e2e: $(PROGS)
	@sh tests/e2e/run.sh $(B)

test: unit golden

check: deps
	$(MAKE) all $(B)/unit_tests
	$(MAKE) unit golden e2e

asan:
	$(MAKE) B=build-asan SAN=1 OPT="-O1 -g" check

run: deps
	$(MAKE) all
	$(B)/sipd -d examples/hello.sipc

clean:
	rm -rf build build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
