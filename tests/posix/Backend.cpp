#include "Backend.h"
#include "Seed.h"
#include <fstream>
#include <husk/husk.h>
#include <cerrno>
#include <csignal>
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
    std::string enter_workdir(const std::string& scenario, bool seeded) override
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
        if (seeded)
            write_seed(*this, m_dir);
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
    ~HuskBackend() override
    {
        if (!m_image.empty())
            std::filesystem::remove(m_image);
    }
    const char* name() const override { return "husk"; }
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) override
    {
        return husk_syscall(nr, a1, a2, a3, a4, a5, a6);
    }
    std::string enter_workdir(const std::string& scenario, bool seeded) override
    {
        boot();
        if (m_fs_type == "overlay") {
            m_dir = "/work";
            if (husk_sys_mount("/dev/vda", m_dir.c_str(), "overlay", 0, nullptr) != 0)
                throw std::runtime_error("mount overlay: " + std::string(std::strerror(errno)));
            seeded = false; // the lower layer is the seed
        } else if (disk_backed()) {
            m_dir = "/work/" + scenario;
            if (husk_sys_mkdir(m_dir.c_str(), 0755) != 0)
                throw std::runtime_error("mkdir " + m_dir + ": " + std::strerror(errno));
        } else {
            m_dir = "/work";
            if (husk_sys_mount(m_fs_type.c_str(), m_dir.c_str(), m_fs_type.c_str(), 0, nullptr) != 0)
                throw std::runtime_error("mount " + m_fs_type + ": " + std::strerror(errno));
        }
        husk_sys_umask(022);
        if (husk_sys_chdir(m_dir.c_str()) != 0)
            throw std::runtime_error("chdir " + m_dir);
        if (seeded)
            write_seed(*this, m_dir);
        return m_dir;
    }
    void leave_workdir() override
    {
        husk_sys_chdir("/");
        if (!disk_backed() && husk_sys_umount2(m_dir.c_str(), 0) != 0)
            throw std::runtime_error("umount /work: " + std::string(std::strerror(errno)));
    }
    std::string verify() override
    {
        if (m_fs_type == "overlay")
            return image_bytes() == m_pristine ? e2fsck() : "the overlay wrote to its read-only lower image";
        if (!disk_backed())
            return {};
        if (husk_sys_sync() != 0)
            return "sync failed";
        return e2fsck();
    }

private:
    std::string e2fsck()
    {
        std::string out = m_image + ".fsck";
        int status = std::system(("e2fsck -fn " + m_image + " > " + out + " 2>&1").c_str());
        std::string report;
        if (status != 0) {
            FILE* f = std::fopen(out.c_str(), "r");
            char line[512];
            while (f && std::fgets(line, sizeof line, f))
                report += line;
            if (f)
                std::fclose(f);
            report = "e2fsck -fn found problems (status " + std::to_string(status) + "):\n" + report;
        }
        std::filesystem::remove(out);
        return report;
    }
    std::string image_bytes() const
    {
        std::ifstream in(m_image, std::ios::binary | std::ios::ate);
        std::string bytes(size_t(in.tellg()), '\0');
        in.seekg(0);
        in.read(bytes.data(), std::streamsize(bytes.size()));
        return bytes;
    }
    // The seed tree as an ext2 image (without lost+found, which the host's
    // work directories do not have), attached read-only as vda.
    void make_seed_image()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string base = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-overlay-" + std::to_string(getpid());
        m_image = base + ".img";
        std::string seed = base + ".seed";
        std::filesystem::remove_all(seed);
        std::filesystem::create_directory(seed);
        ::umask(022);
        write_seed(host_backend(), seed);
        std::string mkfs = "mke2fs -q -F -t ext2 -b 1024 -I 256 -d " + seed + " " + m_image + " 2M >/dev/null 2>&1 && "
                           "debugfs -w -R 'rmdir lost+found' " + m_image + " >/dev/null 2>&1";
        int status = std::system(mkfs.c_str());
        std::filesystem::remove_all(seed);
        if (status != 0 || husk_attach_hostfile(m_image.c_str(), 1) != 0)
            throw std::runtime_error("cannot make the overlay's lower image " + m_image);
        m_pristine = image_bytes();
    }

    bool disk_backed() const { return m_fs_type == "ext2"; }
    void boot()
    {
        if (m_booted)
            return;
        if (m_fs_type == "overlay")
            make_seed_image();
        if (disk_backed()) {
            const char* tmp = std::getenv("TMPDIR");
            m_image = std::string(tmp && *tmp ? tmp : "/tmp") + "/husk-posix-ext2-" + std::to_string(getpid()) + ".img";
            std::string mkfs = "mke2fs -q -F -t ext2 -b 1024 -I 256 " + m_image + " 256M >/dev/null 2>&1";
            if (std::system(mkfs.c_str()) != 0 || husk_attach_hostfile(m_image.c_str(), 0) != 0)
                throw std::runtime_error("cannot make the ext2 image " + m_image);
        }
        if (husk_init("mem=256") != 0)
            throw std::runtime_error("husk_init failed");
        // SIGPIPE ignored, as in the host oracle (main): EPIPE, not death.
        struct { unsigned long handler, flags, restorer, mask; } ignore { 1, 0, 0, 0 };
        if (husk_syscall(SYS_rt_sigaction, SIGPIPE, long(&ignore), 0, 8, 0, 0) != 0)
            throw std::runtime_error("rt_sigaction(SIGPIPE)");
        if (husk_sys_mkdir("/work", 0755) != 0)
            throw std::runtime_error("mkdir /work");
        if (disk_backed() && husk_sys_mount("/dev/vda", "/work", "ext2", 0, nullptr) != 0)
            throw std::runtime_error("mount ext2: " + std::string(std::strerror(errno)));
        m_booted = true;
    }

    std::string m_fs_type;
    std::string m_dir;
    std::string m_image;
    std::string m_pristine; // the overlay's lower image as made
    bool m_booted { false };
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
