#include "OciConfig.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/openat2.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace husk::tools::oci {
namespace {

using nlohmann::json;

struct Problem {
    std::string text;
};

[[noreturn]] void fail(const std::string& field, const std::string& why) { throw Problem { field + ": " + why }; }

const json* member(const json& object, const char* key) { return object.is_object() && object.contains(key) ? &object.at(key) : nullptr; }

std::string string_at(const json& j, const std::string& field)
{
    if (!j.is_string())
        fail(field, "wants a string");
    return j.get<std::string>();
}

std::vector<std::string> strings_at(const json& j, const std::string& field)
{
    if (!j.is_array())
        fail(field, "wants an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < j.size(); ++i)
        out.push_back(string_at(j[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

// process.capabilities: each set's names as a mask (capabilities(7)'s
// numbers); a set the object leaves out is empty, as runc makes it. A name
// this kernel does not know is left out with a warning, as runc does.
struct CapabilityMasks {
    unsigned long long bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

CapabilityMasks capability_masks(const json& caps, std::vector<std::string>& warnings)
{
    static const char* const kNames[] = { "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK",
        "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT",
        "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
        "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE" };
    if (!caps.is_object())
        fail("process.capabilities", "wants an object of capability lists");
    CapabilityMasks m;
    for (auto [set, mask] : { std::pair { "bounding", &m.bounding }, { "effective", &m.effective },
                              { "permitted", &m.permitted }, { "inheritable", &m.inheritable }, { "ambient", &m.ambient } }) {
        const json* list = member(caps, set);
        if (!list)
            continue;
        std::string field = std::string("process.capabilities.") + set;
        for (const std::string& name : strings_at(*list, field)) {
            size_t n = 0;
            while (n < std::size(kNames) && name != std::string("CAP_") + kNames[n])
                ++n;
            if (n == std::size(kNames))
                warnings.push_back(field + ": " + name + " is not a capability this kernel knows; left out");
            else
                *mask |= 1ull << n;
        }
    }
    return m;
}

bool is_executable_file(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

// args[0] without a '/' is looked up in the rootfs along the process's
// PATH, as runc's exec does inside the container.
std::string program_path(const std::string& rootfs, const std::string& name, const std::vector<std::string>& env)
{
    if (name.find('/') != std::string::npos)
        return name[0] == '/' ? name : "/" + name;
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0)
            path = e.substr(5);
    for (size_t start = 0; start <= path.size();) {
        size_t end = path.find(':', start);
        std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty() && dir[0] == '/' && is_executable_file(rootfs + dir + "/" + name))
            return dir + "/" + name;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    fail("process.args[0]", "'" + name + "': executable file not found in $PATH of the root file system");
}

// The program must be something the guest's execve takes: an ELF file or
// a #! script (runc's start fails with "exec format error" otherwise; here
// create says so, before a VM boots). Symlinks resolve inside the root.
void check_program(const std::string& rootfs, const std::string& program)
{
    int root = open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    open_how how {};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT;
    int fd = root < 0 ? -1 : int(syscall(SYS_openat2, root, program.c_str() + 1, &how, sizeof how));
    if (fd < 0 && root >= 0 && errno == ENOSYS)
        fd = open((rootfs + program).c_str(), O_RDONLY | O_CLOEXEC);
    if (root >= 0)
        close(root);
    if (fd < 0) { // runc's words ("stat /x: no such file or directory"), which engines map to 127
        std::string why = std::strerror(errno);
        why[0] = char(std::tolower(static_cast<unsigned char>(why[0])));
        fail("process.args[0]", "stat " + program + ": " + why + " (in the root file system)");
    }
    unsigned char magic[4] {};
    ssize_t n = read(fd, magic, sizeof magic);
    close(fd);
    bool elf = n == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0, script = n >= 2 && magic[0] == '#' && magic[1] == '!';
    if (!elf && !script)
        fail("process.args[0]", "'" + program + "': exec format error (neither an ELF executable nor a #! script)");
}

void map_mounts(const json& mounts, const std::string& bundle, BundleRun* out)
{
    if (!mounts.is_array())
        fail("mounts", "wants an array");
    for (size_t i = 0; i < mounts.size(); ++i) {
        std::string field = "mounts[" + std::to_string(i) + "]";
        const json& m = mounts[i];
        if (!m.is_object())
            fail(field, "wants an object");
        const json* dest = member(m, "destination");
        if (!dest)
            fail(field + ".destination", "missing");
        std::string destination = string_at(*dest, field + ".destination");
        std::string type = member(m, "type") ? string_at(m["type"], field + ".type") : "";
        std::vector<std::string> options = member(m, "options") ? strings_at(m["options"], field + ".options") : std::vector<std::string> {};
        bool bind = type == "bind";
        for (const auto& o : options)
            bind = bind || o == "bind" || o == "rbind";
        if (!bind) {
            // The guest kernel provides /proc, /sys, /dev, /dev/pts, /dev/shm and /tmp itself.
            static const char* const provided[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2" };
            bool known = false;
            for (const char* t : provided)
                known = known || type == t;
            if (!known)
                fail(field + ".type", "'" + type + "' is not supported (bind, tmpfs, proc, sysfs, devpts, mqueue, cgroup)");
            continue;
        }
        if (destination == "/dev" || destination.rfind("/dev/", 0) == 0) {
            // podman's /dev/shm: the guest kernel has its own (shared memory does not cross a VM anyway).
            out->warnings.push_back(field + ": bind mount on " + destination + " ignored (the guest has its own /dev)");
            continue;
        }
        std::string source = member(m, "source") ? string_at(m["source"], field + ".source") : "";
        if (source.empty())
            fail(field + ".source", "a bind mount wants a source");
        if (source[0] != '/')
            source = bundle + "/" + source;
        struct stat st;
        if (stat(source.c_str(), &st) != 0)
            fail(field + ".source", "'" + source + "' does not exist");
        if (!S_ISDIR(st.st_mode) && destination == "/etc/resolv.conf") {
            out->resolv_conf = source; // the guest writes its own, with these nameservers (OciNetwork)
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            // Engines bind files such as /etc/hosts and /etc/resolv.conf; the
            // guest generates its own (9P shares directories only).
            out->warnings.push_back(field + ": bind mount of the file " + source + " on " + destination + " ignored (directories only)");
            continue;
        }
        bool ro = false;
        for (const auto& o : options)
            ro = ro || o == "ro";
        out->run_args.push_back("--volume");
        out->run_args.push_back(source + ":" + destination + (ro ? ":ro" : ""));
    }
}

void map_config(const json& config, const std::string& bundle, BundleRun* out)
{
    if (!config.is_object())
        fail("config.json", "wants a JSON object");
    if (const json* v = member(config, "ociVersion"); v)
        string_at(*v, "ociVersion");
    const json* root = member(config, "root");
    if (!root || !member(*root, "path"))
        fail("root.path", "missing");
    std::string path = string_at((*root)["path"], "root.path");
    out->rootfs = path.empty() || path[0] != '/' ? bundle + "/" + path : path;
    struct stat st;
    if (stat(out->rootfs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("root.path", "'" + out->rootfs + "' is not a directory");
    if (const json* ro = member(*root, "readonly")) {
        if (!ro->is_boolean())
            fail("root.readonly", "wants true or false");
        out->readonly_root = ro->get<bool>();
    }
    const json* process = member(config, "process");
    if (!process || !process->is_object())
        fail("process", "missing");
    const json* args = member(*process, "args");
    if (!args)
        fail("process.args", "missing");
    std::vector<std::string> argv = strings_at(*args, "process.args");
    if (argv.empty())
        fail("process.args", "wants at least the program");
    std::vector<std::string> env = member(*process, "env") ? strings_at((*process)["env"], "process.env") : std::vector<std::string> {};
    for (size_t i = 0; i < env.size(); ++i)
        if (env[i].empty() || env[i][0] == '=' || env[i].find('=') == std::string::npos)
            fail("process.env[" + std::to_string(i) + "]", "wants NAME=VALUE, not '" + env[i] + "'");
    if (const json* t = member(*process, "terminal")) {
        if (!t->is_boolean())
            fail("process.terminal", "wants true or false");
        out->terminal = t->get<bool>();
    }
    long uid = 0, gid = 0;
    std::string cwd = member(*process, "cwd") ? string_at((*process)["cwd"], "process.cwd") : "/";
    if (cwd.empty() || cwd[0] != '/')
        fail("process.cwd", "wants an absolute path, not '" + cwd + "'");
    if (cwd.find_first_of(" \t\n") != std::string::npos)
        fail("process.cwd", "a path with white space is not supported yet");
    if (const json* user = member(*process, "user")) {
        for (const char* id : { "uid", "gid" })
            if (const json* v = member(*user, id); v && !(v->is_number_unsigned() || (v->is_number_integer() && v->get<long>() >= 0)))
                fail(std::string("process.user.") + id, "wants a number");
        uid = member(*user, "uid") ? (*user)["uid"].get<long>() : 0;
        gid = member(*user, "gid") ? (*user)["gid"].get<long>() : 0;
        if (uid > 0xfffffffeL || gid > 0xfffffffeL)
            fail("process.user", "a uid or gid beyond 4294967294");
        if (const json* groups = member(*user, "additionalGids"); groups && groups->is_array() && !groups->empty())
            out->warnings.push_back("process.user.additionalGids: not given to the program yet");
    }
    // The capabilities the kernel gives the first program before it execs
    // it (a root program gets its bounding and inheritable sets, another
    // its ambient set, as on Linux), and no_new_privs.
    std::optional<CapabilityMasks> caps;
    if (const json* c = member(*process, "capabilities"))
        caps = capability_masks(*c, out->warnings);
    bool no_new_privs = false;
    if (const json* n = member(*process, "noNewPrivileges")) {
        if (!n->is_boolean())
            fail("process.noNewPrivileges", "wants true or false");
        no_new_privs = n->get<bool>();
    }
    std::string hostname = member(config, "hostname") ? string_at(config["hostname"], "hostname") : "";
    if (hostname.find_first_of(" \t\n=") != std::string::npos)
        fail("hostname", "'" + hostname + "' is not a host name");

    // Memory: the limit in bytes, rounded up to MiB, at least 64 MiB (the
    // kernel and QEMU's buffers need some) and at most 64 GiB.
    long memory_mib = 0;
    // vCPUs, as Kata maps them: the CPU quota over its period, rounded up
    // (podman --cpus 2), else the size of the cpuset (--cpuset-cpus 0-1);
    // 1 to 16.
    long vcpus = 0;
    if (const json* linux_ = member(config, "linux")) {
        if (const json* resources = member(*linux_, "resources"))
            if (const json* cpu = member(*resources, "cpu")) {
                long quota = 0, period = 0;
                for (auto [name, value] : { std::pair { "quota", &quota }, std::pair { "period", &period } })
                    if (const json* v = member(*cpu, name)) {
                        if (!v->is_number_integer())
                            fail(std::string("linux.resources.cpu.") + name, "wants a number of microseconds");
                        *value = v->get<long>();
                    }
                if (quota > 0 && period > 0)
                    vcpus = (quota + period - 1) / period;
                else if (const json* set = member(*cpu, "cpus")) {
                    std::string list = string_at(*set, "linux.resources.cpu.cpus");
                    // "0-3,6": ranges and single CPUs
                    for (size_t at = 0; at < list.size();) {
                        size_t end = list.find(',', at);
                        std::string item = list.substr(at, end == std::string::npos ? std::string::npos : end - at);
                        char* rest = nullptr;
                        long first = std::strtol(item.c_str(), &rest, 10), last = first;
                        if (rest && *rest == '-')
                            last = std::strtol(rest + 1, &rest, 10);
                        if (item.empty() || !rest || *rest || first < 0 || last < first)
                            fail("linux.resources.cpu.cpus", "'" + list + "' is not a list of CPUs");
                        vcpus += last - first + 1;
                        at = end == std::string::npos ? list.size() : end + 1;
                    }
                }
                vcpus = std::min(vcpus, 16L);
            }
        if (const json* resources = member(*linux_, "resources"))
            if (const json* memory = member(*resources, "memory"))
                if (const json* limit = member(*memory, "limit")) {
                    if (!limit->is_number_integer())
                        fail("linux.resources.memory.limit", "wants a number of bytes");
                    long bytes = limit->get<long>();
                    if (bytes > 0)
                        memory_mib = std::min(std::max((bytes + (1 << 20) - 1) >> 20, 64L), 65536L);
                }
        if (const json* ns = member(*linux_, "namespaces")) {
            if (!ns->is_array())
                fail("linux.namespaces", "wants an array");
            for (size_t i = 0; i < ns->size(); ++i) {
                std::string field = "linux.namespaces[" + std::to_string(i) + "]";
                std::string type = member((*ns)[i], "type") ? string_at((*ns)[i]["type"], field + ".type") : "";
                static const char* const known[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" };
                bool ok = false;
                for (const char* k : known)
                    ok = ok || type == k;
                if (!ok)
                    fail(field + ".type", "unknown namespace type '" + type + "'");
                // A network namespace without a path would be a new, empty
                // one: the guest then has no network, as in one.
                if (type == "network" && member((*ns)[i], "path")) {
                    out->netns = string_at((*ns)[i]["path"], field + ".path");
                    if (access(out->netns.c_str(), R_OK) != 0)
                        fail(field + ".path", "'" + out->netns + "': " + std::strerror(errno));
                }
            }
        }
    }
    if (const json* a = member(config, "annotations")) {
        if (!a->is_object())
            fail("annotations", "wants an object of strings");
        for (auto it = a->begin(); it != a->end(); ++it)
            string_at(it.value(), "annotations." + it.key());
        out->annotations_json = a->dump();
    }

    auto& r = out->run_args;
    r.insert(r.begin(), { "-i" });
    if (memory_mib)
        r.insert(r.end(), { "-M", std::to_string(memory_mib) });
    if (vcpus > 1)
        r.insert(r.end(), { "-c", std::to_string(vcpus) });
    for (const auto& e : env)
        r.insert(r.end(), { "-e", e });
    if (!hostname.empty())
        r.insert(r.end(), { "--append", "hostname=" + hostname });
    if (cwd != "/")
        r.insert(r.end(), { "--append", "cwd=" + cwd });
    if (uid || gid)
        r.insert(r.end(), { "--append", "uid=" + std::to_string(uid), "--append", "gid=" + std::to_string(gid) });
    if (caps)
        for (auto [key, mask] : { std::pair { "cap_bounding=", caps->bounding }, { "cap_effective=", caps->effective },
                                  { "cap_permitted=", caps->permitted }, { "cap_inheritable=", caps->inheritable },
                                  { "cap_ambient=", caps->ambient } })
            r.insert(r.end(), { "--append", key + std::to_string(mask) });
    if (no_new_privs)
        r.insert(r.end(), { "--append", "no_new_privs=1" });
    std::string program = program_path(out->rootfs, argv[0], env);
    check_program(out->rootfs, program);
    r.insert(r.end(), { "--rootfs", out->rootfs, out->platform, program });
    r.insert(r.end(), argv.begin() + 1, argv.end());
}

} // namespace

std::string read_bundle(const std::string& bundle, BundleRun* out)
{
    struct stat st;
    if (stat(bundle.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return "bundle " + bundle + ": not a directory";
    std::ifstream in(bundle + "/config.json");
    if (!in)
        return "bundle " + bundle + ": cannot read config.json";
    json config = json::parse(in, nullptr, false);
    if (config.is_discarded())
        return "config.json: not valid JSON";
    try {
        if (const json* m = member(config, "mounts"))
            map_mounts(*m, bundle, out);
        map_config(config, bundle, out);
    } catch (const Problem& p) {
        return "config.json: " + p.text;
    } catch (const json::exception& e) {
        return std::string("config.json: ") + e.what();
    }
    return "";
}

} // namespace husk::tools::oci
