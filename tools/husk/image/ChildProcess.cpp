#include "ChildProcess.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace husk::tools::image {

namespace {

std::vector<std::string> environment_with(const std::vector<std::string>& extra)
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (auto& x : extra)
            replaced |= x.compare(0, name.size() + 1, name + "=") == 0;
        if (!replaced)
            env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> p;
    for (auto& s : strings)
        p.push_back(s.data());
    p.push_back(nullptr);
    return p;
}

} // namespace

ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options)
{
    ChildResult result;
    std::vector<std::string> args = options.prefix, env = environment_with(options.env);
    args.insert(args.end(), argv.begin(), argv.end());
    std::vector<char*> arg_p = pointers(args), env_p = pointers(env);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        result.start_error = std::strerror(errno);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
    pid_t pid;
    int err = posix_spawnp(&pid, arg_p[0], &actions, nullptr, arg_p.data(), env_p.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (err != 0) {
        close(out[0]);
        result.start_error = std::strerror(err);
        return result;
    }
    char buffer[16384];
    for (;;) {
        ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        result.output.append(buffer, size_t(n));
        if (options.echo)
            (void)!write(STDERR_FILENO, buffer, size_t(n));
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string command_line(const std::vector<std::string>& argv)
{
    std::string line;
    for (auto& a : argv) {
        if (!line.empty())
            line += ' ';
        bool plain = !a.empty() && a.find_first_of(" \t'\"\\$") == std::string::npos;
        line += plain ? a : "'" + a + "'";
    }
    return line;
}

std::string last_line(const std::string& text)
{
    size_t end = text.find_last_not_of(" \t\r\n");
    if (end == std::string::npos)
        return "";
    size_t start = text.rfind('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    return text.substr(start, end - start + 1);
}

} // namespace husk::tools::image
