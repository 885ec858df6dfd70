/* A library dynamic-check dlopen()s: a counter per thread (TLS in a
 * library loaded after the threads' creation, or before: both work). */
static __thread int counter;

int plugin_bump(void) { return ++counter; }
const char *plugin_name(void) { return "plugin"; }
