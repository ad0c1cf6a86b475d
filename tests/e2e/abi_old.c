/*
 * abi_old.c - an object as an older herd.h compiled it: the registration
 * names carried no ABI number then (HERD_ABI in include/herd.h). It does not
 * include herd.h, so that it stays old while the header moves on. With
 * -DABI_NEWER it is an object of a herd.h newer than the library instead.
 */
struct old_test {
	const char *suite, *name, *file;
	int line;
	void (*fn)(void);
};

#ifdef ABI_NEWER
#define herd_register herd_register_abi999
#endif
void herd_register(const void *t);

static void body(void) {}

static const struct old_test old = { "old", "one", "tests/e2e/abi_old.c", 23, body };

__attribute__((constructor)) static void
register_old(void)
{
	herd_register(&old);
}
