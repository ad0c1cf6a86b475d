/* plugins_nosym.c - a shared object with no herd_plugin symbol (tests/e2e/plugins.sh). */
int not_a_herd_plugin(void);

int
not_a_herd_plugin(void)
{
	return 1;
}
