/* shebang: execve of #! scripts, whose interpreter is echoargs. Linux
 * passes the interpreter's path as written on the #! line, then the rest
 * of the line as ONE argument (leading blanks skipped, trailing blanks
 * cut, inner ones kept; a CR stays), then the script's path as given to
 * execve (argv[0] is dropped), then argv[1...]. A script may name another
 * script as its interpreter. No interpreter: ENOEXEC; a missing one:
 * ENOENT; a script without execute permission: EACCES. */
#include "proctest.h"

static char bin_var[600], scratch_var[600];

static void script(const char* name, const char* interpreter_line, mode_t mode)
{
    char text[1024];
    snprintf(text, sizeof text, "%s\necho this line is for a shell, not for echoargs\n", interpreter_line);
    write_file(scratch_path(name), text, mode);
}

/* execve(path) in a child with argv {"argv0", "a", "b c"}; prints the
 * status (echoargs prints the arguments it got). */
static void run(const char* title, const char* path, const char* want)
{
    say("-- %s", title);
    char* args[] = { "argv0-is-dropped", "a", "b c", NULL };
    char* env[] = { bin_var, scratch_var, "PT_EXIT=3", NULL };
    pid_t pid = pt_fork();
    if (pid == 0) {
        execve(path, args, env);
        printf("execve: %s\n", errno_name(errno));
        _exit(127);
    }
    expect_str("status", status_text(pt_wait(pid)), want);
}

int main(int argc, char** argv)
{
    pt_start("shebang", argc, argv);
    char line[700];
    const char* echoargs = bin_path("echoargs");
    scratch_path("");
    snprintf(bin_var, sizeof bin_var, "PT_BIN=%s", pt_bin);
    snprintf(scratch_var, sizeof scratch_var, "PT_SCRATCH=%s", pt_scratch);

    snprintf(line, sizeof line, "#!%s -x", echoargs);
    script("one-arg", line, 0755);
    snprintf(line, sizeof line, "#!%s", echoargs);
    script("no-arg", line, 0755);
    snprintf(line, sizeof line, "#! \t%s   -x -y  \t", echoargs);
    script("blanks", line, 0755);
    snprintf(line, sizeof line, "#!%s\t-x", echoargs);
    script("tab", line, 0755);
    snprintf(line, sizeof line, "#!%s -x\r", echoargs);
    script("crlf", line, 0755);
    snprintf(line, sizeof line, "#!%s -n", scratch_path("one-arg"));
    script("nested", line, 0755);
    script("empty", "#!", 0755);
    script("blank", "#!   ", 0755);
    snprintf(line, sizeof line, "#!%s/does-not-exist -x", pt_bin);
    script("missing", line, 0755);
    snprintf(line, sizeof line, "#!%s -x", echoargs);
    script("not-executable", line, 0644);

    run("#!ECHOARGS -x", scratch_path("one-arg"), "exited 3");
    run("#!ECHOARGS", scratch_path("no-arg"), "exited 3");
    run("#! <tab>ECHOARGS   -x -y  <tab>", scratch_path("blanks"), "exited 3");
    run("#!ECHOARGS<tab>-x", scratch_path("tab"), "exited 3");
    run("#!ECHOARGS -x<CR>", scratch_path("crlf"), "exited 3");
    run("#!ONE-ARG-SCRIPT -n (a script as interpreter)", scratch_path("nested"), "exited 3");
    must(chdir(pt_scratch) == 0, "chdir");
    run("./one-arg (a relative path)", "./one-arg", "exited 3");
    must(chdir("/") == 0, "chdir");

    char* args[] = { "x", NULL };
    char* env[] = { NULL };
    expect_outcome("#! and nothing else", execve(scratch_path("empty"), args, env), "ENOEXEC");
    expect_outcome("#! and blanks", execve(scratch_path("blank"), args, env), "ENOEXEC");
    expect_outcome("a missing interpreter", execve(scratch_path("missing"), args, env), "ENOENT");
    expect_outcome("a script without execute permission", execve(scratch_path("not-executable"), args, env), "EACCES");

    const char* names[] = { "one-arg", "no-arg", "blanks", "tab", "crlf", "nested", "empty", "blank", "missing",
                            "not-executable", NULL };
    scratch_cleanup(names);
    return pt_finish();
}
