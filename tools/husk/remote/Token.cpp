#include "Token.h"
#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace husk::remote {

namespace {
std::string token_dir()
{
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime && *runtime)
        return std::string(runtime) + "/husk";
    return "/tmp/husk-" + std::to_string(getuid());
}

// Only its owner may reach the files in it.
std::string private_dir(const std::string& dir)
{
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return "cannot create '" + dir + "': " + std::strerror(errno);
    struct stat st;
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
        return "'" + dir + "' is not a directory only you can use (mode 0700, yours)";
    return "";
}

bool valid(const std::string& token)
{
    return token.size() == kTokenLength && token.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string read_token(const std::string& path, std::string& token)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return "cannot read the token file '" + path + "': " + std::strerror(errno);
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    token.assign(buf, n > 0 ? size_t(n) : 0);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
        token.pop_back();
    return valid(token) ? "" : "'" + path + "' does not hold a husk token (64 hex digits)";
}
} // namespace

std::string default_token_file(const Address& address)
{
    std::string name = address.text().substr(4); // HOST:PORT
    name[name.rfind(':')] = '-';
    return token_dir() + "/tcp-" + name + ".token";
}

std::string create_token_file(const std::string& path, std::string& token)
{
    size_t slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0 && path.substr(0, slash) == token_dir())
        if (std::string why = private_dir(token_dir()); !why.empty())
            return why;
    unsigned char random[kTokenLength / 2];
    if (getrandom(random, sizeof random, 0) != ssize_t(sizeof random))
        return std::string("getrandom: ") + std::strerror(errno);
    token.clear();
    for (unsigned char c : random) {
        token += "0123456789abcdef"[c >> 4];
        token += "0123456789abcdef"[c & 15];
    }
    // Replace only a regular file of ours (a token left by a killed server).
    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode) || st.st_uid != getuid())
            return "'" + path + "' exists and is not a token file of yours";
        unlink(path.c_str());
    }
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return "cannot create the token file '" + path + "': " + std::strerror(errno);
    std::string line = token + "\n";
    bool ok = fchmod(fd, 0600) == 0 && write(fd, line.data(), line.size()) == ssize_t(line.size());
    close(fd);
    return ok ? "" : "cannot write the token file '" + path + "'";
}

std::string client_token(const Address& address, const std::string& token_file, std::string& token)
{
    token.clear();
    if (!token_file.empty())
        return read_token(token_file, token);
    if (const char* env = std::getenv("HUSK_TOKEN_FILE"); env && *env)
        return read_token(env, token);
    if (const char* env = std::getenv("HUSK_TOKEN"); env && *env) {
        token = env;
        return valid(token) ? "" : "HUSK_TOKEN is not a husk token (64 hex digits)";
    }
    std::string fallback = default_token_file(address);
    if (access(fallback.c_str(), F_OK) == 0)
        return read_token(fallback, token);
    return "";
}

bool same_token(const char* a, const char* b)
{
    unsigned char differ = 0;
    for (size_t i = 0; i < kTokenLength; ++i)
        differ |= static_cast<unsigned char>(a[i] ^ b[i]);
    return differ == 0;
}

} // namespace husk::remote
