// husk ctl dd: coreutils' dd between the host and the server's kernel
// (if=/of= name the kernel's files, host:PATH the host's; standard input
// and output by default). Operands: if of bs ibs obs count skip seek
// conv=notrunc,fsync,fdatasync status=none|noxfer|progress; sizes take
// dd's suffixes (c w b kB K MB M GB G, ...; xN products).
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include "CtlCommands.h"

namespace husk::remote::ctl {

namespace {
// dd's numbers: digits with an optional multiplier suffix, 'x' products.
bool parse_size(const std::string& text, unsigned long long& out)
{
    out = 1;
    size_t at = 0;
    while (at <= text.size()) {
        size_t end = text.find('x', at);
        std::string part = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        char* rest;
        errno = 0;
        unsigned long long v = std::strtoull(part.c_str(), &rest, 10);
        if (part.empty() || rest == part.c_str() || errno)
            return false;
        std::string suffix = rest;
        static const struct { const char* s; unsigned long long m; } kUnits[] = {
            { "", 1 }, { "c", 1 }, { "w", 2 }, { "b", 512 }, { "kB", 1000 }, { "K", 1024 }, { "k", 1024 }, { "KiB", 1024 },
            { "MB", 1000000 }, { "M", 1 << 20 }, { "MiB", 1 << 20 }, { "GB", 1000000000 }, { "G", 1 << 30 }, { "GiB", 1 << 30 },
        };
        bool known = false;
        for (auto& u : kUnits)
            if (suffix == u.s) {
                if (__builtin_mul_overflow(v, u.m, &v) || __builtin_mul_overflow(out, v, &out))
                    return false;
                known = true;
            }
        if (!known)
            return false;
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return true;
}

// coreutils' human_readable as dd calls it (autoscale, to nearest): "1.1 MB", "12 KiB".
std::string human(double bytes, bool si)
{
    double base = si ? 1000 : 1024;
    const char* prefixes = "kMGTPE";
    int i = -1;
    while (bytes >= base && i < 5) {
        bytes /= base;
        ++i;
    }
    char buf[32];
    std::string unit = i < 0 ? "B" : std::string(1, si && i == 0 ? 'k' : (si ? prefixes[i] : "KMGTPE"[i])) + (si ? "B" : "iB");
    if (bytes < 10 && i >= 0)
        std::snprintf(buf, sizeof buf, "%.1f %s", bytes, unit.c_str());
    else
        std::snprintf(buf, sizeof buf, "%.0f %s", bytes, unit.c_str());
    return buf;
}

struct Counts {
    unsigned long long full_in = 0, partial_in = 0, full_out = 0, partial_out = 0, bytes = 0;
};

void report(const Counts& c, double seconds, bool transfer)
{
    std::fprintf(stderr, "%llu+%llu records in\n%llu+%llu records out\n", c.full_in, c.partial_in, c.full_out, c.partial_out);
    if (!transfer)
        return;
    std::string rate = seconds > 0 ? human(double(c.bytes) / seconds, true) + "/s" : "Infinity B/s";
    if (c.bytes < 1000)
        std::fprintf(stderr, "%llu byte%s copied, %.6g s, %s\n", c.bytes, c.bytes == 1 ? "" : "s", seconds, rate.c_str());
    else
        std::fprintf(stderr, "%llu bytes (%s, %s) copied, %.6g s, %s\n", c.bytes, human(double(c.bytes), true).c_str(),
                     human(double(c.bytes), false).c_str(), seconds, rate.c_str());
}

int usage_error(const std::string& what)
{
    std::fprintf(stderr, "husk ctl: dd: %s\n", what.c_str());
    return 1;
}
} // namespace

std::string dd_operand_problem(std::string& a)
{
    size_t eq = a.find('=');
    if (eq == std::string::npos)
        return "unrecognized operand '" + a + "'";
    std::string key = a.substr(0, eq), value = a.substr(eq + 1);
    unsigned long long n = 0;
    if (key == "bs" || key == "ibs" || key == "obs" || key == "count" || key == "skip" || key == "seek") {
        if (!parse_size(value, n))
            return "invalid number: '" + value + "'";
        if ((key == "bs" || key == "ibs" || key == "obs") && (n == 0 || n > (64u << 20)))
            return "invalid number: '" + value + "' (block sizes are 1 byte to 64 MiB here)";
        return "";
    }
    if (key == "conv") {
        for (size_t at = 0; at <= value.size();) {
            size_t end = value.find(',', at);
            std::string c = value.substr(at, end == std::string::npos ? std::string::npos : end - at);
            if (c != "notrunc" && c != "fsync" && c != "fdatasync")
                return "invalid conversion: '" + c + "'";
            if (end == std::string::npos)
                break;
            at = end + 1;
        }
        return "";
    }
    if (key == "status")
        return value == "none" || value == "noxfer" || value == "progress" ? "" : "invalid status level: '" + value + "'";
    return key == "if" || key == "of" ? "" : "unrecognized operand '" + a + "'";
}

int cmd_dd(Kernel& k, const std::vector<std::string>& args)
{
    std::string in_path, out_path;
    unsigned long long ibs = 512, obs = 512, count = ~0ull, skip = 0, seek = 0;
    bool bs_given = false, notrunc = false, fsync_after = false, quiet = false, transfer = true;
    for (const auto& a : args) {
        size_t eq = a.find('=');
        if (eq == std::string::npos)
            return usage_error("unrecognized operand '" + a + "'");
        std::string key = a.substr(0, eq), value = a.substr(eq + 1);
        unsigned long long n = 0;
        bool numeric = key == "bs" || key == "ibs" || key == "obs" || key == "count" || key == "skip" || key == "seek";
        if (numeric && !parse_size(value, n))
            return usage_error("invalid number: '" + value + "'");
        if ((key == "bs" || key == "ibs" || key == "obs") && (n == 0 || n > (64u << 20)))
            return usage_error("invalid number: '" + value + "' (block sizes are 1 byte to 64 MiB here)");
        if (key == "if")
            in_path = value;
        else if (key == "of")
            out_path = value;
        else if (key == "bs")
            ibs = obs = n, bs_given = true;
        else if (key == "ibs")
            ibs = n;
        else if (key == "obs")
            obs = n;
        else if (key == "count")
            count = n;
        else if (key == "skip")
            skip = n;
        else if (key == "seek")
            seek = n;
        else if (key == "conv") {
            for (size_t at = 0; at <= value.size();) {
                size_t end = value.find(',', at);
                std::string c = value.substr(at, end == std::string::npos ? std::string::npos : end - at);
                if (c == "notrunc")
                    notrunc = true;
                else if (c == "fsync" || c == "fdatasync")
                    fsync_after = true;
                else
                    return usage_error("invalid conversion: '" + c + "'");
                if (end == std::string::npos)
                    break;
                at = end + 1;
            }
        } else if (key == "status") {
            if (value == "none")
                quiet = true;
            else if (value == "noxfer")
                transfer = false;
            else if (value != "progress")
                return usage_error("invalid status level: '" + value + "'");
        } else {
            return usage_error("unrecognized operand '" + a + "'");
        }
    }

    End in { k, in_path.empty() || is_host(in_path), STDIN_FILENO };
    if (!in_path.empty()) {
        std::string p = strip(in_path);
        if (in.open(p, O_RDONLY) < 0)
            return complain("failed to open '" + in_path + "'", in.fd);
    }
    End out { k, out_path.empty() || is_host(out_path), STDOUT_FILENO };
    if (!out_path.empty()) {
        std::string p = strip(out_path);
        int flags = O_WRONLY | O_CREAT;
        if (out.open(p, flags, 0666) < 0)
            return complain("failed to open '" + out_path + "'", out.fd);
        // As dd: the output is cut at the seek point unless conv=notrunc.
        if (!notrunc)
            if (long r = out.truncate(long(seek * obs)); r < 0 && r != -EINVAL)
                return complain("failed to truncate to " + std::to_string(seek * obs) + " bytes in output file '" + out_path + "'", r);
    }
    std::vector<char> buf(size_t(bs_given ? ibs : ibs + obs));
    auto start = std::chrono::steady_clock::now();
    Counts c;
    int status = 0;
    if (skip && in.seek(long(skip * ibs)) < 0) { // not seekable: read past it
        for (unsigned long long i = 0; i < skip; ++i)
            if (in.read(buf.data(), size_t(ibs)) <= 0)
                break;
    }
    if (seek)
        if (long r = out.seek(long(seek * obs)); r < 0)
            return complain("'" + (out_path.empty() ? std::string("standard output") : out_path) + "': cannot seek", r);
    size_t pending = 0; // reblocking to obs when bs= was not given
    auto flush = [&](const char* data, size_t n) -> bool {
        for (size_t done = 0; done < n;) {
            long w = out.write(data + done, n - done);
            if (w <= 0) {
                status = complain("error writing '" + (out_path.empty() ? std::string("standard output") : out_path) + "'", w ? w : -EIO);
                return false;
            }
            done += size_t(w);
        }
        (n == (bs_given ? ibs : obs) ? c.full_out : c.partial_out)++;
        c.bytes += n;
        return true;
    };
    for (unsigned long long records = 0; records < count; ++records) {
        long n = in.read(buf.data() + pending, size_t(ibs));
        if (n < 0) {
            status = complain("error reading '" + (in_path.empty() ? std::string("standard input") : in_path) + "'", n);
            break;
        }
        if (n == 0)
            break;
        (uint64_t(n) == ibs ? c.full_in : c.partial_in)++;
        if (bs_given) {
            if (!flush(buf.data(), size_t(n)))
                break;
            continue;
        }
        pending += size_t(n);
        size_t at = 0;
        while (pending - at >= obs) {
            if (!flush(buf.data() + at, size_t(obs)))
                break;
            at += size_t(obs);
        }
        if (status)
            break;
        std::memmove(buf.data(), buf.data() + at, pending - at);
        pending -= at;
    }
    if (!status && pending)
        flush(buf.data(), pending);
    if (!status && fsync_after)
        if (long r = out.sync(); r < 0)
            status = complain("fsync failed for '" + out_path + "'", r);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!in_path.empty())
        in.close();
    if (!out_path.empty())
        if (long r = out.close(); r < 0 && !status)
            status = complain("closing output file '" + out_path + "'", r);
    if (!quiet)
        report(c, seconds, transfer);
    return status;
}

} // namespace husk::remote::ctl
