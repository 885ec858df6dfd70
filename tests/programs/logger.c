/* syslog(3) as a service logs (issue 24): openlog with a tag and LOG_PID,
 * messages at several priorities and facilities, then one without
 * openlog's tag. The kernel's /dev/log puts them in the instance's log. */
#include <stdio.h>
#include <syslog.h>

int main(void)
{
    openlog("svc", LOG_PID, LOG_DAEMON);
    syslog(LOG_INFO, "started, %d workers", 4);
    syslog(LOG_ERR, "cannot open %s", "/etc/svc.conf");
    syslog(LOG_LOCAL3 | LOG_WARNING, "from local3");
    closelog();
    openlog("other", 0, LOG_USER);
    syslog(LOG_NOTICE, "no pid asked");
    closelog();
    puts("logger: done");
    return 0;
}
