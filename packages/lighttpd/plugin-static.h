/* The modules linked into the static lighttpd (its src/plugin.c includes this
 * list when built with -DBUILD_STATIC=1): what a static-file server needs —
 * server.modules in a configuration may name any of them. */
PLUGIN_INIT(mod_access)
PLUGIN_INIT(mod_accesslog)
PLUGIN_INIT(mod_alias)
PLUGIN_INIT(mod_dirlisting)
PLUGIN_INIT(mod_expire)
PLUGIN_INIT(mod_indexfile)
PLUGIN_INIT(mod_redirect)
PLUGIN_INIT(mod_setenv)
PLUGIN_INIT(mod_staticfile)
PLUGIN_INIT(mod_status)
