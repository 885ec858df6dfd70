#include "Backend.h"
#include <husk/husk.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace posix {

namespace {

class HostBackend final : public Backend {
public:
    const char* name() const override { return "linux"; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        long r = ::syscall(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -errno : r;
    }
    std::string enter_workdir(const std::string& scenario) override
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string base = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-" + std::to_string(getpid());
        std::filesystem::create_directories(base);
        m_dir = base + "/" + scenario;
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directory(m_dir);
        ::umask(022);
        if (::chdir(m_dir.c_str()) != 0)
            throw std::runtime_error("chdir " + m_dir);
        return m_dir;
    }
    void leave_workdir() override
    {
        if (::chdir("/") != 0)
            return;
        std::error_code ec;
        // Scenarios may leave read-only directories behind: open them up first.
        for (auto it = std::filesystem::recursive_directory_iterator(m_dir, ec); !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(std::filesystem::path(m_dir).parent_path(), ec);
    }

private:
    std::string m_dir;
};

class HuskBackend final : public Backend {
public:
    explicit HuskBackend(std::string fs_type) : m_fs_type(std::move(fs_type)) {}
    const char* name() const override { return "husk"; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        return husk_syscall(nr, a1, a2, a3, a4, a5, a6);
    }
    std::string enter_workdir(const std::string&) override
    {
        static bool booted;
        if (!booted) {
            if (husk_init("mem=256") != 0)
                throw std::runtime_error("husk_init failed");
            booted = true;
        }
        m_dir = "/work";
        if (husk_sys_mkdir(m_dir.c_str(), 0755) != 0 && errno != EEXIST)
            throw std::runtime_error("mkdir /work");
        if (husk_sys_mount(m_fs_type.c_str(), m_dir.c_str(), m_fs_type.c_str(), 0, nullptr) != 0)
            throw std::runtime_error("mount " + m_fs_type);
        husk_sys_umask(022);
        if (husk_sys_chdir(m_dir.c_str()) != 0)
            throw std::runtime_error("chdir /work");
        return m_dir;
    }
    void leave_workdir() override
    {
        husk_sys_chdir("/");
        if (husk_sys_umount2(m_dir.c_str(), 0) != 0)
            throw std::runtime_error("umount /work: " + std::string(std::strerror(errno)));
    }

private:
    std::string m_fs_type;
    std::string m_dir;
};

} // namespace

Backend& host_backend()
{
    static HostBackend b;
    return b;
}

Backend& husk_backend(const std::string& fs_type)
{
    static HuskBackend b(fs_type);
    return b;
}

} // namespace posix
