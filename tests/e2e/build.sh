#!/bin/sh
# tests/e2e/build.sh - the build as a user meets it: the whole tree is clean
# under clang -Werror too, herd.h compiles as C++ (g++ and clang++, C++20
# designated options) and as pedantic C11, and `make install` puts a library,
# herd.pc, the header, the controller and the man page where a program built
# with pkg-config finds them; `make uninstall` takes them all away again.
# It builds once, whatever the build directory it is run for.
. "$(dirname "$0")/../lib.sh"
t_init build

case $HERD_BUILD in
*san*)
	t_pass "the build checks run with the plain build only"
	t_finish
	;;
esac

src=$T_WORK/t.c
cat >"$src" <<'EOF'
#include <herd.h>
static int twice(int x) { return 2 * x; }
TEST(build, twice) { CHECK_EQ(twice(21), 42); }
TEST(build, opts, .timeout = 5, .marks = "fast") { CHECK_STR_EQ("a", "a"); }
EOF
cat >"$T_WORK/t.cpp" <<'EOF'
#include <herd.h>
#include <string>
static void up() {}
FIXTURE(cxxfx, .scope = HERD_SCOPE_TEST, .setup = up);
static const int sizes[] = { 1, 2, 3 };
TEST(cxx, string) { std::string s("abc"); CHECK_STR_EQ(s.c_str(), "abc"); }
TEST(cxx, opts, .timeout = 2.0, .marks = "slow", .fixtures = "cxxfx") { CHECK_LT(-1, 0u); }
TEST_P(cxx, sizes, sizes) { CHECK_GT(*static_cast<const int *>(herd_param()), 0); }
EOF

# clang, every warning an error, in a build directory of its own.
if command -v clang >/dev/null 2>&1; then
	# A whole build: under a loaded machine it takes minutes, so its guard is
	# wider than a command's (it only catches a hang).
	limit=$T_LIMIT
	T_LIMIT=900
	t_run make -j2 -C "$HERD_SRC" CC=clang BUILD="$T_WORK/clang" \
		"$T_WORK/clang/libherd.a" "$T_WORK/clang/herd"
	T_LIMIT=$limit
	t_status 0 "clang -Werror builds libherd and the controller"
else
	t_fail "clang is installed (scripts/setup check installs it)" "clang" "not found"
fi

t_run "$CC" -std=c11 -pedantic -Wall -Wextra -Werror -I"$HERD_SRC/include" "$src" \
	"$HERD_BUILD/libherd.a" -o "$T_WORK/tc"
t_status 0 "a test file is clean under -std=c11 -pedantic -Werror"

for cxx in g++ clang++; do
	if ! command -v "$cxx" >/dev/null 2>&1; then
		t_fail "$cxx is installed" "$cxx" "not found"
		continue
	fi
	t_run "$cxx" -std=c++20 -Wall -Wextra -Werror -I"$HERD_SRC/include" "$T_WORK/t.cpp" \
		"$HERD_BUILD/libherd.a" -o "$T_WORK/tcxx"
	t_status 0 "herd.h compiles as C++20 with $cxx"
	t_run "$T_WORK/tcxx" -q
	t_status 0 "the $cxx test binary runs its tests"
	t_has out "5 passed" "the $cxx binary ran its 5 items"
done

# Install into a prefix, build against it with pkg-config, uninstall.
prefix=$T_WORK/prefix
t_run make -C "$HERD_SRC" install PREFIX="$prefix"
t_status 0 "make install PREFIX=... succeeds"
for f in include/herd.h lib/libherd.a lib/libherd.so lib/pkgconfig/herd.pc bin/herd \
	share/man/man1/herd.1; do
	if [ -e "$prefix/$f" ]; then
		t_pass "installed $f"
	else
		t_fail "installed $f" "$prefix/$f" "missing"
	fi
done
t_has "$prefix/lib/pkgconfig/herd.pc" "prefix=$prefix" "herd.pc names the install prefix"
if command -v pkg-config >/dev/null 2>&1; then
	flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs herd)
	# shellcheck disable=SC2086 # the flags are words
	t_run "$CC" -o "$T_WORK/tpc" "$src" $flags -Wl,-rpath,"$prefix/lib"
	t_status 0 "a test builds with pkg-config --cflags --libs herd (shared library)"
	t_run "$T_WORK/tpc" -q
	t_status 0 "the binary linked with libherd.so runs"
	t_run "$prefix/bin/herd" -n 2 -q "$T_WORK/tpc"
	t_status 0 "the installed controller runs it"
	t_has out "2 passed" "the installed controller ran both items"
else
	t_skip "pkg-config build" "pkg-config is not installed"
fi
t_run make -C "$HERD_SRC" uninstall PREFIX="$prefix"
t_status 0 "make uninstall succeeds"
left=$(find "$prefix" -type f | wc -l)
t_eq "$left" 0 "make uninstall leaves no file behind"

t_finish
