// A randomised model test: one seeded sequence of file operations applied to
// Husk on an ext2 image and to a host directory (the model). Results and the
// whole tree are compared after every step; e2fsck -fn checks the image at
// the end. HUSK_MODEL_STEPS sets the length (default 300; long runs: more).
#include <husk/husk.h>
#include <gtest/gtest.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

const char* const kDirs[] = { "", "d1/", "d1/d2/", "d3/" };
const char* const kNames[] = { "a", "b", "c", "d1", "d2", "d3", "long-name-for-a-file" };

struct Side {
    std::string root;
    bool husk;

    long result(long r) const { return r < 0 ? -errno : r; }
    std::string p(const std::string& rel) const { return root + "/" + rel; }
    long open(const std::string& rel, int flags, int mode)
    {
        return result(husk ? husk_sys_open(p(rel).c_str(), flags, mode) : ::open(p(rel).c_str(), flags, mode));
    }
    long close(int fd) { return result(husk ? husk_sys_close(fd) : ::close(fd)); }
    long pwrite(int fd, const std::string& d, off_t at)
    {
        return result(husk ? husk_sys_pwrite64(fd, d.data(), d.size(), at) : ::pwrite(fd, d.data(), d.size(), at));
    }
    long truncate(const std::string& rel, off_t n) { return result(husk ? husk_sys_truncate(p(rel).c_str(), n) : ::truncate(p(rel).c_str(), n)); }
    long unlink(const std::string& rel) { return result(husk ? husk_sys_unlink(p(rel).c_str()) : ::unlink(p(rel).c_str())); }
    long mkdir(const std::string& rel) { return result(husk ? husk_sys_mkdir(p(rel).c_str(), 0755) : ::mkdir(p(rel).c_str(), 0755)); }
    long rmdir(const std::string& rel) { return result(husk ? husk_sys_rmdir(p(rel).c_str()) : ::rmdir(p(rel).c_str())); }
    long rename(const std::string& a, const std::string& b)
    {
        return result(husk ? husk_sys_rename(p(a).c_str(), p(b).c_str()) : ::rename(p(a).c_str(), p(b).c_str()));
    }
    long link(const std::string& a, const std::string& b) { return result(husk ? husk_sys_link(p(a).c_str(), p(b).c_str()) : ::link(p(a).c_str(), p(b).c_str())); }
    long symlink(const std::string& t, const std::string& b) { return result(husk ? husk_sys_symlink(t.c_str(), p(b).c_str()) : ::symlink(t.c_str(), p(b).c_str())); }
    long chmod(const std::string& rel, int mode) { return result(husk ? husk_sys_chmod(p(rel).c_str(), mode) : ::chmod(p(rel).c_str(), mode)); }

    // The observable state: every path with type, mode, size, links, data.
    void snapshot(const std::string& rel, std::map<std::string, std::string>& out)
    {
        std::vector<std::string> names;
        if (husk) {
            int fd = husk_sys_open(p(rel).c_str(), O_RDONLY | O_DIRECTORY, 0);
            char buf[4096];
            long n;
            while (fd >= 0 && (n = husk_sys_getdents64(fd, buf, sizeof buf)) > 0)
                for (long at = 0; at < n; at += *reinterpret_cast<unsigned short*>(buf + at + 16))
                    names.push_back(buf + at + 19);
            husk_sys_close(fd);
        } else {
            for (auto& e : std::filesystem::directory_iterator(p(rel)))
                names.push_back(e.path().filename());
        }
        for (auto& name : names) {
            if (name == "." || name == ".." || (rel.empty() && name == "lost+found"))
                continue;
            std::string path = rel + name;
            struct stat st {};
            if (husk)
                husk_sys_lstat(p(path).c_str(), &st);
            else
                ::lstat(p(path).c_str(), &st);
            std::string d = std::to_string(st.st_mode) + " n" + std::to_string(st.st_nlink);
            if (S_ISREG(st.st_mode)) {
                std::string data(size_t(st.st_size), '\0');
                int fd = husk ? husk_sys_open(p(path).c_str(), O_RDONLY, 0) : ::open(p(path).c_str(), O_RDONLY);
                long got = husk ? husk_sys_read(fd, data.data(), data.size()) : ::read(fd, data.data(), data.size());
                husk ? husk_sys_close(fd) : ::close(fd);
                d += " s" + std::to_string(st.st_size) + " " + (got == st.st_size ? std::to_string(std::hash<std::string>()(data)) : "SHORT");
            } else if (S_ISLNK(st.st_mode)) {
                char t[256] = {};
                husk ? husk_sys_readlink(p(path).c_str(), t, sizeof t) : ::readlink(p(path).c_str(), t, sizeof t);
                d += std::string(" -> ") + t;
            }
            out[path] = d;
            if (S_ISDIR(st.st_mode))
                snapshot(path + "/", out);
        }
    }
};

class Ext2Model : public testing::TestWithParam<unsigned> {};

[[noreturn]] void run_model(unsigned seed, long steps)
{
    char tmpl[] = "/tmp/husk-model-XXXXXX";
    std::string work = mkdtemp(tmpl);
    std::string img = work + "/model.img";
    if (std::system(("mke2fs -q -F -t ext2 -b 1024 " + img + " 16M >/dev/null 2>&1").c_str()) != 0)
        _exit(10);
    if (husk_attach_hostfile(img.c_str(), 0) != 0 || husk_init("mem=64 loglevel=error") != 0)
        _exit(11);
    husk_sys_mkdir("/m", 0755);
    if (husk_sys_mount("/dev/vda", "/m", "ext2", 0, nullptr) != 0)
        _exit(12);
    std::filesystem::create_directory(work + "/host");
    ::umask(022);
    husk_sys_umask(022);
    Side host { work + "/host", false }, husk { "/m", true };
    std::mt19937 rng(seed);
    auto pick = [&](size_t n) { return size_t(rng() % n); };
    auto path = [&] { return std::string(kDirs[pick(4)]) + kNames[pick(7)]; };
    for (long step = 0; step < steps; ++step) {
        std::string a = path(), b = path();
        std::string what;
        long r1 = 0, r2 = 0;
        switch (pick(10)) {
        case 0:
        case 1: { // write somewhere (creating), possibly past the end
            std::string data(pick(6000) + 1, char('A' + pick(26)));
            off_t at = pick(3) == 0 ? off_t(pick(70000)) : 0;
            int flags = O_CREAT | O_WRONLY | (pick(4) == 0 ? O_TRUNC : 0);
            what = "write " + a + " @" + std::to_string(at) + " +" + std::to_string(data.size());
            long f1 = host.open(a, flags, 0644), f2 = husk.open(a, flags, 0644);
            r1 = f1 < 0 ? f1 : host.pwrite(int(f1), data, at);
            r2 = f2 < 0 ? f2 : husk.pwrite(int(f2), data, at);
            if (f1 >= 0)
                host.close(int(f1));
            if (f2 >= 0)
                husk.close(int(f2));
            break;
        }
        case 2: {
            off_t n = off_t(pick(20000));
            what = "truncate " + a + " " + std::to_string(n);
            r1 = host.truncate(a, n);
            r2 = husk.truncate(a, n);
            break;
        }
        case 3: what = "unlink " + a; r1 = host.unlink(a); r2 = husk.unlink(a); break;
        case 4: what = "mkdir " + a; r1 = host.mkdir(a); r2 = husk.mkdir(a); break;
        case 5: what = "rmdir " + a; r1 = host.rmdir(a); r2 = husk.rmdir(a); break;
        case 6:
        case 7: what = "rename " + a + " " + b; r1 = host.rename(a, b); r2 = husk.rename(a, b); break;
        case 8: what = "link " + a + " " + b; r1 = host.link(a, b); r2 = husk.link(a, b); break;
        default: {
            if (pick(2)) {
                what = "symlink " + b + " " + a;
                r1 = host.symlink(b, a);
                r2 = husk.symlink(b, a);
            } else {
                int mode = int(0400 + pick(0400));
                what = "chmod " + a;
                r1 = host.chmod(a, mode);
                r2 = husk.chmod(a, mode);
            }
        }
        }
        if (r1 != r2) {
            std::fprintf(stderr, "seed %u step %ld: %s: linux %ld, husk %ld\n", seed, step, what.c_str(), r1, r2);
            _exit(20);
        }
        std::map<std::string, std::string> s1, s2;
        host.snapshot("", s1);
        husk.snapshot("", s2);
        if (s1 != s2) {
            std::fprintf(stderr, "seed %u step %ld: after %s the trees differ\n", seed, step, what.c_str());
            for (auto& [k, v] : s1)
                if (!s2.count(k) || s2[k] != v)
                    std::fprintf(stderr, "  linux %s: %s | husk: %s\n", k.c_str(), v.c_str(), s2.count(k) ? s2[k].c_str() : "(missing)");
            for (auto& [k, v] : s2)
                if (!s1.count(k))
                    std::fprintf(stderr, "  husk only %s: %s\n", k.c_str(), v.c_str());
            _exit(21);
        }
    }
    if (husk_sys_umount2("/m", 0) != 0)
        _exit(22);
    int status = std::system(("e2fsck -fn " + img + " >&2").c_str());
    std::filesystem::remove_all(work);
    _exit(status == 0 ? 0 : 23);
}

TEST_P(Ext2Model, RandomOperationsMatchTheHost)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const char* env = std::getenv("HUSK_MODEL_STEPS");
    long steps = env ? std::strtol(env, nullptr, 10) : 300;
    EXPECT_EXIT(run_model(GetParam(), steps), testing::ExitedWithCode(0), "");
}

INSTANTIATE_TEST_SUITE_P(Seeds, Ext2Model, testing::Range(1u, 9u));

} // namespace
