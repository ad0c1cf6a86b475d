/*
 * abi.c - the registration names of older herd.h layouts (HERD_ABI in
 * include/herd.h). An object compiled against one of them still links, and
 * what it registers is counted here, never read: the binary then stops at
 * start-up, alone or as a worker, saying what to rebuild (registry.c,
 * check_decls).
 */
#include "internal.h"

#undef herd_register
#undef herd_register_fixture
#undef herd_register_suite
#undef herd_register_task

#define STALE __attribute__((visibility("default"))) void

size_t hd_stale_decls;

/* Before HERD_ABI 1 the names carried no number. */
STALE herd_register(const void *decl);
STALE herd_register_fixture(const void *decl);
STALE herd_register_suite(const void *decl);
STALE herd_register_task(const void *decl);

STALE herd_register(const void *decl) { (void)decl; hd_stale_decls++; }
STALE herd_register_fixture(const void *decl) { (void)decl; hd_stale_decls++; }
STALE herd_register_suite(const void *decl) { (void)decl; hd_stale_decls++; }
STALE herd_register_task(const void *decl) { (void)decl; hd_stale_decls++; }
