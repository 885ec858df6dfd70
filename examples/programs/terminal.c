/* terminal: the console is a terminal, as a serial console is on Linux:
 * isatty() holds for stdin and stdout (so stdout is line buffered), the
 * window size reads back, and terminal modes set are the modes read. */
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    struct winsize w;
    struct termios t;
    int ok = isatty(0) && isatty(1) && ioctl(1, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 && w.ws_row > 0;
    ok = ok && tcgetattr(0, &t) == 0 && (t.c_lflag & ECHO);
    t.c_lflag &= ~(ECHO | ICANON);
    ok = ok && tcsetattr(0, TCSANOW, &t) == 0 && tcgetattr(0, &t) == 0 && !(t.c_lflag & (ECHO | ICANON));
    t.c_lflag |= ECHO | ICANON;
    tcsetattr(0, TCSANOW, &t);
    printf("terminal: %dx%d, %s\n", w.ws_col, w.ws_row, ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
