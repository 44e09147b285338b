# pgherd: `make run` serves a demo community, `make test` runs every suite.
VERSION := 0.1.0
CC ?= cc
PKGS := libmicrohttpd sqlite3 libpq jansson libsodium libcurl libcmark-gfm libqrencode libical libpng libjpeg libwebp libexif zlib freetype2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lm
WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wcast-qual -Wformat=2 -Wno-format-nonliteral -Wvla -Wno-missing-field-initializers
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g $(WARN) -Isrc -DPGHERD_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
RELEASE_CFLAGS := -O2
SAN_CFLAGS := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(sort $(wildcard src/*/*.c))
EMBED := $(sort $(wildcard templates/*.html templates/*/*.html po/*.po migrations/*/*.sql web/static/*))
# Libraries the pages load, from the npm registry at a pinned version and
# SHA-512 (scripts/fetch-npm.sh), served under /static/ as they are
# published. jsQR (Apache-2.0) reads ticket QR codes from the door page's
# camera where the browser has no BarcodeDetector (iPhones, desktops).
JSQR := 1.4.0
JSQR_SHA512 := 7712e86fbabae578360efb2d624469918b662a6dac3c9f68161ae19ae753d5d66f34515396ba1a8b70164a92decbfc39bcc70b057460389b1b5e974df47cd4fc
VENDOR := build/vendor/jsQR.js
EMBED_AS := web/static/jsQR.js=build/vendor/jsQR.js
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

PORT ?= 8080
export PGHERD_LISTEN ?= 127.0.0.1:$(PORT)

.PHONY: all run test unit integration browser fuzz fuzz-smoke bench deps deps-test deps-bench clean

all: build/pgherd

# ---- build ----
build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $<

build/vendor/jsqr-$(JSQR).tgz:
	@scripts/fetch-npm.sh jsqr $(JSQR) $(JSQR_SHA512) $@
build/vendor/jsQR.js: build/vendor/jsqr-$(JSQR).tgz
	@tar -xzOf $< package/dist/jsQR.js > $@.part && mv $@.part $@

build/gen/embed_data.c: build/tools/embed $(EMBED) $(VENDOR)
	@mkdir -p $(@D)
	@echo "  EMBED $(words $(EMBED) $(EMBED_AS)) files"
	@build/tools/embed $@ $(EMBED) $(EMBED_AS)

define variant
build/$(1)/obj/%.o: src/%.c $$(wildcard src/*/*.h)
	@mkdir -p $$(@D)
	@echo "  CC($(1)) $$<"
	@$$(CC) $$(BASE_CFLAGS) $(2) -c -o $$@ $$<
build/$(1)/obj/embed_data.o: build/gen/embed_data.c
	@mkdir -p $$(@D)
	$$(CC) -std=c11 -O1 -g -Isrc $(2) -c -o $$@ $$<
build/$(1)/libpgherd.a: $$(patsubst src/%.c,build/$(1)/obj/%.o,$$(LIB_SRC)) build/$(1)/obj/embed_data.o
	@rm -f $$@ && ar rcs $$@ $$^
endef
$(eval $(call variant,release,$(RELEASE_CFLAGS)))
$(eval $(call variant,asan,$(SAN_CFLAGS)))

build/pgherd: build/release/obj/main.o build/release/libpgherd.a
	@echo "  LD $@"
	@$(CC) $(RELEASE_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/pgherd-asan: build/asan/obj/main.o build/asan/libpgherd.a
	@echo "  LD $@"
	@$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

build/asan/tests/%: tests/unit/%.c build/asan/libpgherd.a
	@mkdir -p $(@D)
	@echo "  LD(asan) $@"
	@$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) -o $@ $< build/asan/libpgherd.a $(PKG_LIBS) -lcmocka -lpthread

# ---- run ----
run: deps build/pgherd
	@mkdir -p data
	./build/pgherd demo
	./build/pgherd user ensure-admin admin@pgherd.local
	./build/pgherd serve

deps:
	@scripts/deps.sh run
deps-test:
	@scripts/deps.sh test
deps-bench:
	@scripts/deps.sh bench

# The registration rush client (tests and benchmark).
build/burst: tools/burst.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $< $$(pkg-config --libs libcurl)

# The bare libmicrohttpd server the benchmark measures pgherd against.
build/bench-bare: bench/bare.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $< $$(pkg-config --cflags --libs libmicrohttpd) -lpthread

# ---- tests ----
UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))

test: deps-test
	$(MAKE) -j2 build/pgherd build/pgherd-asan build/burst $(UNIT_BINS)
	tests/run-all.sh

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "== $$t"; $$t || exit 1; done

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -DPGHERD_VERSION='"$(VERSION)"' $(PKG_CFLAGS) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := router form template image
FUZZ_BINS := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_TIME ?= 20

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) build/gen/embed_data.c $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@echo "  FUZZ $@"
	@clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) build/gen/embed_data.c $(PKG_LIBS) -lpthread

fuzz: deps-test $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
	tests/fuzz/run.sh 15 $(FUZZ_BINS)

# ---- benchmarks ----
bench: deps-bench build/pgherd build/burst build/bench-bare
	bench/run.sh

clean:
	rm -rf build
