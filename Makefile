# SPDX-License-Identifier: GPL-2.0-or-later
#
# One Makefile for the whole tree.  `make` builds build/sipc, build/sipd and
# build/sipctl; `make check` installs missing Debian packages and runs every
# test; `make run` starts sipd on examples/registrar-proxy.sipc (SQLite
# user location in $(B)/data); `make asan` runs the
# suite with ASan+UBSan in build-asan/.  re2c and Lemon output is generated
# into $(B)/gen and never committed.

B        ?= build
CC       ?= cc
SAN      ?=
OPT      ?= -O2 -g

SOFIA_CFLAGS := $(shell pkg-config --cflags sofia-sip-ua 2>/dev/null | sed 's/-I/-isystem /g')
SOFIA_LIBS   := $(shell pkg-config --libs sofia-sip-ua 2>/dev/null || echo -lsofia-sip-ua)
# The db drivers (runtime/db_sqlite.c, runtime/db_mysql.c): libsqlite3 and
# libmysqlclient (on Debian, MariaDB Connector/C); -isystem as for sofia.
DB_CFLAGS    := $(shell pkg-config --cflags sqlite3 mysqlclient 2>/dev/null | sed 's/-I/-isystem /g')
DB_LIBS      := $(shell pkg-config --libs sqlite3 mysqlclient 2>/dev/null || echo -lsqlite3 -lmysqlclient)
# Digest authentication hashes (runtime/digest.c) with OpenSSL's libcrypto;
# every program that links the runtime needs it.
CRYPTO_LIBS  := $(shell pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)

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

.PHONY: all check test unit golden spec e2e policy-tests db run deps asan clean fuzz
all: $(PROGS)

# --- generated sources ---------------------------------------------------
$(B)/gen/lexer.c: compiler/lexer.re $(B)/gen/parser.h
	@mkdir -p $(@D)
	re2c -W -Werror --no-generation-date --no-version -o $@ $<

# Lemon writes next to its input, so it runs on a copy inside $(B)/gen.
$(B)/gen/parser.c $(B)/gen/parser.h &: compiler/parser.y
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
# V=1 shows the full commands.
ifeq ($(V),1)
Q =
else
Q = @
endif

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/runtime/%.o $(B)/obj/stdlib/%.o: CFLAGS += $(SOFIA_CFLAGS) $(DB_CFLAGS)
$(B)/obj/bin/sipd.o $(B)/obj/bin/sipctl.o: CFLAGS += $(SOFIA_CFLAGS)

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Wno-unused-parameter -Wno-unused-variable -Wno-missing-prototypes \
	    -Wno-unused-but-set-variable -c -o $@ $<

# Every compiler object needs parser.h (token codes) to exist first.
$(COMPILER_SRCS:%.c=$(B)/obj/%.o) $(UNIT_OBJS): $(B)/gen/parser.h

$(B)/libsipcc.a: $(COMPILER_OBJS)
	rm -f $@ && ar rcs $@ $^
$(B)/libsipcrt.a: $(RUNTIME_OBJS)
	rm -f $@ && ar rcs $@ $^

# -rdynamic: policy.so objects resolve the host functions of abi.h in sipd.
# The whole runtime archive goes in: runtime/rt_symtab.c refers to the host
# functions only weakly (so unwritten ones link as NULL), and a weak
# reference alone would not pull a member out of the archive.
RT_WHOLE = -Wl,--whole-archive $(B)/libsipcrt.a -Wl,--no-whole-archive
$(B)/sipd: $(B)/obj/bin/sipd.o $(B)/libsipcrt.a $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(B)/obj/bin/sipd.o $(RT_WHOLE) $(B)/libsipcc.a -ltcc $(SOFIA_LIBS) $(DB_LIBS) $(CRYPTO_LIBS) -ldl -lm

# sipc links the runtime too, for `sipc test` (runtime/siptest_run.c runs
# policies offline through rt_test.h), linked the same way as sipd.
$(B)/sipc: $(B)/obj/bin/sipc.o $(B)/libsipcrt.a $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(B)/obj/bin/sipc.o $(RT_WHOLE) $(B)/libsipcc.a -ltcc $(SOFIA_LIBS) $(DB_LIBS) $(CRYPTO_LIBS) -ldl -lm

# sipctl_db.c: `sipctl db` and `sipctl ul` (the runtime's db layer);
# sipctl_user.c: `sipctl user` (subscriber.c, and digest.c for the HA1s).
# sipctl_trusted.c: `sipctl trusted` (trusted.c, which checks patterns
# with the compiler's regex_cost.c); sipctl_common.c: their arguments,
# database URL and schema check.
$(B)/sipctl: $(B)/obj/bin/sipctl.o $(B)/obj/bin/sipctl_common.o $(B)/obj/bin/sipctl_db.o \
             $(B)/obj/bin/sipctl_user.o $(B)/obj/bin/sipctl_trusted.o $(B)/obj/compiler/regex_cost.o \
             $(B)/libsipcrt.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DB_LIBS) $(CRYPTO_LIBS) -ldl

# The .siptest reader, diff, JUnit and --update code and the transaction
# core's best-reply choice are plain C (no sofia-sip, no runtime), so their
# unit tests link those objects alone.
SIPTEST_PURE_OBJS := $(patsubst %,$(B)/obj/runtime/siptest_%.o,parse diff junit update) \
                     $(B)/obj/runtime/tm_choice.o
# The db layer needs only its drivers' libraries (tests/unit/test_db.c).
DB_OBJS := $(patsubst %,$(B)/obj/runtime/%.o,db db_sqlite db_mysql db_schema)
UL_OBJS := $(patsubst %,$(B)/obj/runtime/%.o,ul ul_index ul_sql rt_log auth)
# The digest arithmetic needs libcrypto alone (tests/unit/test_digest.c).
DIGEST_OBJS := $(B)/obj/runtime/digest.o
# The defences: pike is plain C, trusted.c needs the db layer and libsipcc's
# regex_cost (tests/unit/test_pike.c, test_trusted.c).
DEFENCE_OBJS := $(patsubst %,$(B)/obj/runtime/%.o,pike trusted)
$(B)/unit_tests: $(UNIT_OBJS) $(SIPTEST_PURE_OBJS) $(DB_OBJS) $(UL_OBJS) $(DIGEST_OBJS) $(DEFENCE_OBJS) \
                 $(B)/libsipcc.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcunit $(DB_LIBS) $(CRYPTO_LIBS)

# --- tests ---------------------------------------------------------------
deps:
	@sh tools/deps.sh

unit: $(B)/unit_tests
	$(B)/unit_tests

golden: $(B)/sipc
	@sh tests/golden/run.sh $(B)/sipc

# Helpers the end-to-end tests run (plain C, no runtime).
E2E_TOOLS := $(B)/fake_dns
$(B)/fake_dns: tests/e2e/fake_dns.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -o $@ $<

# udp_send: one file's bytes to sipd over UDP or TCP, prints the answer's
# status line (tests/e2e/test_rfc4475.sh).
E2E_TOOLS += $(B)/udp_send
$(B)/udp_send: tests/e2e/udp_send.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -o $@ $<

# tcp_hold: many TCP connections to sipd, which it may close
# (tests/e2e/test_tcp_limits.sh).
E2E_TOOLS += $(B)/tcp_hold
$(B)/tcp_hold: tests/e2e/tcp_hold.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -o $@ $<

e2e: $(PROGS) $(E2E_TOOLS)
	@sh tests/e2e/run.sh $(B)

spec:
	@sh tools/check_spec.sh

# The db layer against SQLite and a MariaDB started for the run
# (tests/db/run.sh): the db unit suites, reconnecting, sipctl db and ul.
$(B)/db_probe: $(B)/obj/tests/db/db_probe.o $(DB_OBJS) $(B)/obj/runtime/rt_log.o
	$(CC) $(LDFLAGS) -o $@ $^ $(DB_LIBS)
db: $(B)/unit_tests $(B)/sipctl $(B)/db_probe
	@sh tests/db/run.sh $(B)

# Every examples/NAME.sipc against its cases, examples/NAME.siptest, under
# both backends (SPEC.md section 10).
policy-tests: $(B)/sipc
	@sh tests/examples/run.sh $(B)/sipc

test: unit golden spec

# Everything: unit, golden, spec, end to end, the examples' policy tests,
# and a bounded fuzz run.
# The last line counts suites; make stops at the first that fails, so it
# is only printed when all of them passed.
CHECK_SUITES = unit golden spec e2e policy-tests db
check: deps
	$(MAKE) all $(B)/unit_tests
	$(MAKE) $(CHECK_SUITES)
	$(MAKE) fuzz-smoke
	@echo "check: $(words $(CHECK_SUITES) fuzz-smoke) passed, 0 failed"

asan:
	$(MAKE) B=build-asan SAN=1 OPT="-O1 -g" check

run: deps
	$(MAKE) all
	$(B)/sipd -d --data-dir $(B)/data examples/registrar-proxy.sipc

clean:
	rm -rf build build-asan build-asan-fuzz

# --- fuzzing and benchmarks (STYLE.md practice 14) -----------------------
# `make fuzz-smoke`: the compiler under libFuzzer+ASan+UBSan for 30 s, quiet
# unless it finds something; `make fuzz`: the same for FUZZ_SECONDS with
# progress.  Both fail on any finding (crash, leak, timeout, OOM), which
# stays in build-fuzz/state/artifacts/ until fixed; tests/fuzz/run.sh says
# how to turn it into a golden test.  The compiler is rebuilt with clang
# into $(FUZZ_B) (generated sources reused from $(B)/gen); the backends are
# left out.  `make bench` times a generated 10,000-line policy.
FUZZ_B             ?= $(B)-fuzz
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 30
FUZZ_SAN    = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -O1 -g $(filter-out -Werror,$(WARN)) $(FUZZ_SAN) -MMD -MP \
              -Icompiler -Iruntime -Iruntime/include -Istdlib -I$(B)/gen
FUZZ_SRCS  := $(filter-out compiler/backend_tcc.c compiler/backend_cc.c,$(COMPILER_SRCS)) \
              tests/fuzz/fuzz_check.c
FUZZ_OBJS  := $(FUZZ_SRCS:%.c=$(FUZZ_B)/obj/%.o) $(GEN_SRCS:$(B)/gen/%.c=$(FUZZ_B)/obj/gen/%.o)

.PHONY: fuzz-smoke fuzz-clean bench bench-register bench-auth bench-proxy bench-compare
fuzz: $(FUZZ_B)/fuzz_check $(FUZZ_B)/fuzz_sip $(FUZZ_B)/fuzz_creds $(FUZZ_B)/sipc.dict
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_check $(FUZZ_B)/state $(FUZZ_SECONDS) -v
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_sip $(FUZZ_B)/state-sip $(FUZZ_SECONDS) -v
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_creds $(FUZZ_B)/state-creds $(FUZZ_SECONDS) -v
fuzz-smoke: $(FUZZ_B)/fuzz_check $(FUZZ_B)/fuzz_sip $(FUZZ_B)/fuzz_creds $(FUZZ_B)/sipc.dict
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_check $(FUZZ_B)/state $(FUZZ_SMOKE_SECONDS)
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_sip $(FUZZ_B)/state-sip $(FUZZ_SIP_SMOKE_SECONDS)
	@sh tests/fuzz/run.sh $(FUZZ_B)/fuzz_creds $(FUZZ_B)/state-creds $(FUZZ_CREDS_SMOKE_SECONDS)

# The SIP entry (tests/fuzz/fuzz_sip.c): the whole runtime, stdlib and
# compiler (the policy is a .sipc loaded with libtcc) under clang's
# sanitizers, linked with Debian's sofia-sip and libtcc (not instrumented).
FUZZ_SIP_SMOKE_SECONDS ?= 20
FUZZ_SIP_OBJS := $(COMPILER_SRCS:%.c=$(FUZZ_B)/obj/%.o) $(RUNTIME_SRCS:%.c=$(FUZZ_B)/obj/%.o) \
                 $(GEN_SRCS:$(B)/gen/%.c=$(FUZZ_B)/obj/gen/%.o) $(FUZZ_B)/obj/tests/fuzz/fuzz_sip.o
$(FUZZ_B)/obj/runtime/%.o $(FUZZ_B)/obj/stdlib/%.o $(FUZZ_B)/obj/tests/fuzz/fuzz_sip.o: \
    FUZZ_CFLAGS += $(SOFIA_CFLAGS) $(DB_CFLAGS)
$(FUZZ_B)/fuzz_sip: $(FUZZ_SIP_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ -ltcc $(SOFIA_LIBS) $(DB_LIBS) $(CRYPTO_LIBS) -ldl -lm

# Digest credentials (tests/fuzz/fuzz_creds.c): sofia's header parser,
# runtime/auth_creds.c, digest.c and auth.c (and rt_log for auth.c).
FUZZ_CREDS_SMOKE_SECONDS ?= 10
FUZZ_CREDS_OBJS := $(patsubst %,$(FUZZ_B)/obj/runtime/%.o,auth auth_creds digest rt_log) \
                   $(FUZZ_B)/obj/tests/fuzz/fuzz_creds.o
$(FUZZ_B)/obj/tests/fuzz/fuzz_creds.o: FUZZ_CFLAGS += $(SOFIA_CFLAGS)
$(FUZZ_B)/fuzz_creds: $(FUZZ_CREDS_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(SOFIA_LIBS) $(CRYPTO_LIBS)

# The policy fuzzer's dictionary: the hand-written part plus every name of
# the stdlib tables (tests/run.sh reads it beside the fuzzer).
$(FUZZ_B)/sipc.dict: tests/fuzz/sipc.dict tests/fuzz/gen_dict.sh stdlib/pvars.def stdlib/builtins.def \
                     stdlib/settings.def
	@mkdir -p $(@D)
	sh tests/fuzz/gen_dict.sh >$@.tmp && mv $@.tmp $@

$(FUZZ_B)/fuzz_check: $(FUZZ_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^

$(FUZZ_B)/obj/%.o: %.c $(B)/gen/parser.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_B)/obj/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-unused-parameter -Wno-unused-variable \
	    -Wno-missing-prototypes -Wno-unused-but-set-variable -c -o $@ $<

fuzz-clean:
	rm -rf $(FUZZ_B)
clean: fuzz-clean

# rt_internal.h, for rt_host_syms, includes sofia-sip.
$(B)/obj/bench/jit_bench.o: CFLAGS += $(SOFIA_CFLAGS)
$(B)/jit_bench: $(B)/obj/bench/jit_bench.o $(B)/libsipcc.a $(B)/libsipcrt.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(B)/obj/bench/jit_bench.o $(RT_WHOLE) $(B)/libsipcc.a -ltcc $(SOFIA_LIBS) $(DB_LIBS) $(CRYPTO_LIBS) -ldl -lm

# -rdynamic: the gcc-built policy.so resolves its host functions in the bench.
$(B)/obj/bench/route_bench.o: CFLAGS += $(SOFIA_CFLAGS)
$(B)/route_bench: $(B)/obj/bench/route_bench.o $(B)/libsipcc.a $(B)/libsipcrt.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -rdynamic -o $@ $(B)/obj/bench/route_bench.o $(RT_WHOLE) $(B)/libsipcc.a -ltcc \
	    $(SOFIA_LIBS) $(DB_LIBS) $(CRYPTO_LIBS) -ldl -lm

bench: $(B)/sipc $(B)/jit_bench $(B)/route_bench
	@bash bench/check_bench.sh $(B)
	@$(B)/route_bench examples/hello.sipc examples/edge.sipc examples/proxy.sipc

# `make bench-register`: REGISTER throughput (new registrations and
# refreshes), server CPU per registration and memory per contact, sipd
# against Debian's Kamailio, memory-only and write-through (SQLite,
# MariaDB) user location (bench/register_bench.sh; installs kamailio, sipp
# and mariadb-server when missing).  It takes several minutes, so `make
# bench` does not run it.
bench-register: $(B)/sipd $(B)/sipctl
	@bash bench/register_bench.sh $(B)

# `make bench-auth`: authenticated registrations (REGISTER, 401, REGISTER
# with credentials, 200) next to unauthenticated ones, SQLite and MariaDB,
# sipd against Kamailio (the same script; about 4 minutes).
bench-auth: $(B)/sipd $(B)/sipctl
	@REG_MODES="sqlite mariadb" REG_SCENARIOS="new auth" REG_CONTACTS=0 bash bench/register_bench.sh $(B)

# `make bench-proxy`: stateful calls/s through a Record-Routing proxy and
# stateless OPTIONS replies/s, one worker, server CPU per call and per
# message, peak memory; sipd against Kamailio (bench/proxy_bench.sh; about
# 6 minutes).
bench-proxy: $(B)/sipd
	@bash bench/proxy_bench.sh $(B)

# `make bench-compare`: sipd against Kamailio at fixed rates held for 2
# minutes (steady state), one table with the ratios (bench/compare.sh;
# about 20 minutes; COMPARE_SCENARIOS, COMPARE_SECONDS for shorter runs).
bench-compare: $(B)/sipd $(B)/sipctl
	@bash bench/compare.sh $(B)

-include $(shell find $(FUZZ_B)/obj -name '*.d' 2>/dev/null)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
