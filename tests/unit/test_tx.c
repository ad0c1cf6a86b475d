/* Unit tests of the --tx specs and the shell quoting of the far side's command (src/tx.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <herd.h>

#include "ini.h"
#include "tx.h"

static char err[200];

static int
parse(const char *s, struct tx_spec *t)
{
	err[0] = '\0';
	return tx_parse(s, t, err, sizeof(err));
}

TEST(tx, popen_with_and_without_count)
{
	struct tx_spec t;

	REQUIRE_EQ(parse("popen", &t), 0);
	CHECK_EQ(t.kind, TX_POPEN);
	CHECK_EQ(t.count, 1);
	tx_spec_free(&t);
	REQUIRE_EQ(parse("8*popen", &t), 0);
	CHECK_EQ(t.count, 8);
	tx_spec_free(&t);
}

TEST(tx, ssh_user_host_port_options)
{
	struct tx_spec t;

	REQUIRE_EQ(parse("3*ssh=ci@build7:2222//chdir=/src/p//herd=/opt/herd", &t), 0);
	CHECK_EQ(t.kind, TX_SSH);
	CHECK_EQ(t.count, 3);
	CHECK_STR_EQ(t.user, "ci");
	CHECK_STR_EQ(t.host, "build7");
	CHECK_EQ(t.port, 2222);
	CHECK_STR_EQ(t.chdir, "/src/p");
	CHECK_STR_EQ(t.herd, "/opt/herd");
	CHECK_STR_EQ(t.label, "build7:2222", "the label: no user, the port");
	tx_spec_free(&t);
	REQUIRE_EQ(parse("ssh=127.0.0.1", &t), 0);
	CHECK_NULL(t.user);
	CHECK_EQ(t.port, 0);
	CHECK_NULL(t.chdir);
	CHECK_STR_EQ(t.label, "127.0.0.1");
	tx_spec_free(&t);
}

TEST(tx, cmd_keeps_stars_and_slashes_of_the_command)
{
	struct tx_spec t;

	REQUIRE_EQ(parse("2*cmd=kubectl exec -i pod-0 -- sh -c//chdir=/w", &t), 0);
	CHECK_EQ(t.kind, TX_CMD);
	CHECK_EQ(t.count, 2);
	CHECK_STR_EQ(t.command, "kubectl exec -i pod-0 -- sh -c");
	CHECK_STR_EQ(t.label, "kubectl exec -i pod-0 -- sh -c");
	CHECK_STR_EQ(t.chdir, "/w");
	tx_spec_free(&t);
	/* A '*' after the '=' and a "//" that starts no option belong to the command. */
	REQUIRE_EQ(parse("cmd=sh -c 'ls *; curl http://x/'", &t), 0);
	CHECK_EQ(t.count, 1);
	CHECK_STR_EQ(t.command, "sh -c 'ls *; curl http://x/'");
	CHECK_NULL(t.chdir);
	tx_spec_free(&t);
}

TEST(tx, bad_specs_say_why)
{
	static const struct { const char *spec, *why; } bad[] = {
		{ "ssh=", "no host" },
		{ "ssh=u@", "no host" },
		{ "ssh=@h", "an empty user before '@'" },
		{ "ssh=:22", "no host" },
		{ "ssh=h:", "bad port ''" },
		{ "ssh=h:0", "bad port '0'" },
		{ "ssh=h:65536", "bad port '65536'" },
		{ "ssh=h:2x", "bad port '2x'" },
		{ "ssh=-oProxyCommand=x", "a host or user may not start with '-'" },
		{ "ssh=-l@h", "a host or user may not start with '-'" },
		{ "ssh=h//foo=1", "unknown or empty option '//foo=1' (chdir=DIR, herd=PATH)" },
		{ "ssh=h//chdir=", "unknown or empty option '//chdir=' (chdir=DIR, herd=PATH)" },
		{ "0*popen", "bad worker count (N* takes 1 to 1024)" },
		{ "1025*popen", "bad worker count (N* takes 1 to 1024)" },
		{ "x*popen", "bad worker count (N* takes 1 to 1024)" },
		{ "*popen", "bad worker count (N* takes 1 to 1024)" },
		{ "cmd=", "empty command" },
		{ "cmd=  //chdir=/x", "empty command" },
		{ "rsh=h", "unknown transport (popen, ssh=HOST, cmd=COMMAND)" },
		{ "", "unknown transport (popen, ssh=HOST, cmd=COMMAND)" },
	};
	struct tx_spec t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse(bad[i].spec, &t), -1, "%s", bad[i].spec);
		CHECK_STR_EQ(err, bad[i].why, "%s", bad[i].spec);
	}
}

/* What sh makes of the quoted word: printf's output, read back. */
static char *
through_sh(const char *word)
{
	struct buf cmd = BUF_INIT, out = BUF_INIT;
	char tmp[256];
	size_t n;
	FILE *p;

	buf_adds(&cmd, "printf %s ");
	sh_quote(&cmd, word);
	p = popen(cmd.data, "r");
	while (p && (n = fread(tmp, 1, sizeof(tmp), p)) > 0)
		buf_add(&out, tmp, n);
	if (p)
		pclose(p);
	buf_clear(&cmd);
	buf_addc(&out, '\0');
	return buf_detach(&out, NULL);
}

TEST(tx, quoting_survives_hostile_words)
{
	static const char *const words[] = {
		"plain", "", "a b", "it's", "'", "''", "\"", "$(touch pwned)", "`touch pwned`",
		"; touch pwned", "a\nb", "\\", "$HOME", "*", "-c", "'; touch pwned; '",
		"x'\"$(y)`z`\\\n\t",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char *got = through_sh(words[i]);

		CHECK_STR_EQ(got, words[i], "word %zu", i);
		free(got);
	}
	CHECK_EQ(access("pwned", F_OK), -1, "nothing ran");
}

TEST(tx, script_and_argv)
{
	struct tx_spec t;
	char *s, **v;

	REQUIRE_EQ(parse("ssh=ci@h:2222//chdir=/it's here//herd=/opt/h", &t), 0);
	s = tx_script(&t);
	CHECK_STR_EQ(s, "cd '/it'\\''s here' && exec '/opt/h' --remote-worker");
	free(s);
	v = tx_argv(&t, "ssh -F 'my config'", err, sizeof(err));
	REQUIRE(v != NULL);
	CHECK_STR_EQ(v[0], "ssh");
	CHECK_STR_EQ(v[1], "-F");
	CHECK_STR_EQ(v[2], "my config");
	CHECK_STR_EQ(v[3], "-T");
	CHECK_STR_EQ(v[4], "-o");
	CHECK_STR_EQ(v[5], "BatchMode=yes");
	CHECK_STR_EQ(v[6], "-p");
	CHECK_STR_EQ(v[7], "2222");
	CHECK_STR_EQ(v[8], "-l");
	CHECK_STR_EQ(v[9], "ci");
	CHECK_STR_EQ(v[10], "--");
	CHECK_STR_EQ(v[11], "h");
	CHECK_STR_EQ(v[12], "cd '/it'\\''s here' && exec '/opt/h' --remote-worker");
	CHECK_NULL(v[13]);
	hd_args_free(v);
	tx_spec_free(&t);

	REQUIRE_EQ(parse("cmd=docker exec -i 'my ctr' sh -c", &t), 0);
	v = tx_argv(&t, "ssh", err, sizeof(err));
	REQUIRE(v != NULL);
	CHECK_STR_EQ(v[3], "my ctr");
	CHECK_STR_EQ(v[6], "exec 'herd' --remote-worker");
	CHECK_NULL(v[7]);
	hd_args_free(v);
	tx_spec_free(&t);

	REQUIRE_EQ(parse("cmd=sh -c 'unclosed", &t), 0);
	CHECK_NULL(tx_argv(&t, "ssh", err, sizeof(err)), "an unclosed quote");
	CHECK(err[0] != '\0');
	tx_spec_free(&t);
}
