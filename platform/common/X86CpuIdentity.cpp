#include "X86CpuIdentity.h"

namespace husk::x86 {

namespace {

struct Regs {
    uint32_t eax, ebx, ecx, edx;
};
Regs cpuid(uint32_t leaf, uint32_t sub = 0)
{
    Regs r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(sub));
    return r;
}

// Linux's names for CPUID's feature bits (arch/x86/include/asm/cpufeatures.h),
// one table per register, in Linux's word order: /proc/cpuinfo lists them so.
// Null: a bit Linux does not show.
using Names = const char* const[32];
constexpr Names kLeaf1Edx = { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", nullptr,
    "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", nullptr, "dts", "acpi", "mmx", "fxsr",
    "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe" };
constexpr Names kExt1Edx = { nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, "syscall", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "mp", "nx",
    nullptr, "mmxext", nullptr, nullptr, "fxsr_opt", "pdpe1gb", "rdtscp", nullptr, "lm", "3dnowext", "3dnow" };
constexpr Names kLeaf1Ecx = { "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
    "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", nullptr, "pcid", "dca", "sse4_1", "sse4_2", "x2apic",
    "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", nullptr, "avx", "f16c", "rdrand", "hypervisor" };
constexpr Names kExt1Ecx = { "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a",
    "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", nullptr, "lwp", "fma4", "tce", nullptr,
    "nodeid_msr", nullptr, "tbm", "topoext", "perfctr_core", "perfctr_nb", nullptr, "bpext", "ptsc", "perfctr_llc",
    "mwaitx", nullptr, nullptr };
constexpr Names kLeaf7Ebx = { "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", nullptr, "smep", "bmi2",
    "erms", "invpcid", "rtm", "cqm", nullptr, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap",
    "avx512ifma", nullptr, "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni",
    "avx512bw", "avx512vl" };
constexpr Names kLeafDEax = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" };
constexpr Names kLeaf7Sub1Eax = { nullptr, nullptr, nullptr, nullptr, "avx_vnni", "avx512_bf16" };
constexpr Names kExt8Ebx = { "clzero", "irperf", "xsaveerptr", nullptr, "rdpru", nullptr, nullptr, nullptr,
    nullptr, "wbnoinvd", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "amd_ppin",
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "virt_ssbd", nullptr, "cppc" };
constexpr Names kLeaf6Eax = { "dtherm", "ida", "arat", nullptr, "pln", nullptr, "pts", "hwp", "hwp_notify",
    "hwp_act_window", "hwp_epp", "hwp_pkg_req" };
constexpr Names kLeaf7Ecx = { nullptr, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", nullptr,
    "gfni", "vaes", "vpclmulqdq", "avx512_vnni", "avx512_bitalg", "tme", "avx512_vpopcntdq", nullptr, "la57",
    nullptr, nullptr, nullptr, nullptr, nullptr, "rdpid", nullptr, "bus_lock_detect", "cldemote", nullptr,
    "movdiri", "movdir64b", "enqcmd", "sgx_lc" };
constexpr Names kLeaf7Edx = { nullptr, nullptr, "avx512_4vnniw", "avx512_4fmaps", "fsrm", nullptr, nullptr,
    nullptr, "avx512_vp2intersect", nullptr, "md_clear", nullptr, nullptr, nullptr, "serialize", nullptr,
    "tsxldtrk", nullptr, "pconfig", "arch_lbr", "ibt", nullptr, "amx_bf16", "avx512_fp16", "amx_tile",
    "amx_int8", nullptr, nullptr, "flush_l1d", "arch_capabilities" };
// 0x80000007 EDX, as Linux's x86_power_flags (bit 8, the invariant TSC,
// shows as constant_tsc and nonstop_tsc among the flags instead).
constexpr Names kPower = { "ts", "fid", "vid", "ttp", "tm", "stc", "100mhzsteps", "hwpstate", nullptr, "cpb",
    "eff_freq_ro", "proc_feedback", "acc_power" };

class Words {
public:
    Words(char* buf, size_t size) : m_buf(buf), m_size(size) { m_buf[0] = 0; }
    void add(const char* word)
    {
        size_t n = 0;
        while (word[n])
            ++n;
        if (m_length + n + 2 > m_size)
            return;
        if (m_length)
            m_buf[m_length++] = ' ';
        for (size_t i = 0; i < n; ++i)
            m_buf[m_length++] = word[i];
        m_buf[m_length] = 0;
    }
    void add_bits(uint32_t bits, Names& names)
    {
        for (unsigned i = 0; i < 32; ++i)
            if ((bits & (1u << i)) && names[i])
                add(names[i]);
    }

private:
    char* m_buf;
    size_t m_size;
    size_t m_length { 0 };
};

void put_regs(char* out, const uint32_t* regs, unsigned count)
{
    for (unsigned i = 0; i < count * 4; ++i)
        out[i] = char(regs[i / 4] >> (8 * (i % 4)));
}

// The brand string of leaves 0x80000002..4, without the spaces around it.
void brand(char (&out)[64])
{
    uint32_t regs[12];
    for (unsigned i = 0; i < 3; ++i) {
        Regs r = cpuid(0x80000002 + i);
        regs[i * 4] = r.eax, regs[i * 4 + 1] = r.ebx, regs[i * 4 + 2] = r.ecx, regs[i * 4 + 3] = r.edx;
    }
    char text[49];
    put_regs(text, regs, 12);
    text[48] = 0;
    const char* p = text;
    while (*p == ' ')
        ++p;
    size_t n = 0;
    while (p[n] && n + 1 < sizeof out) {
        out[n] = p[n];
        ++n;
    }
    while (n && out[n - 1] == ' ')
        --n;
    out[n] = 0;
}

// Linux's "cache size": the last level an Intel CPU lists in leaf 4,
// elsewhere the L2 of leaf 0x80000006.
uint32_t cache_kib(bool intel, uint32_t max_leaf, uint32_t max_ext)
{
    uint32_t largest = 0;
    if (intel && max_leaf >= 4) {
        unsigned level = 0;
        for (uint32_t sub = 0; sub < 16; ++sub) {
            Regs r = cpuid(4, sub);
            if ((r.eax & 0x1f) == 0)
                break;
            uint64_t bytes = uint64_t((r.ebx >> 22) + 1) * (((r.ebx >> 12) & 0x3ff) + 1) * ((r.ebx & 0xfff) + 1)
                             * (r.ecx + 1);
            unsigned l = (r.eax >> 5) & 7;
            if (l >= level && (r.eax & 0x1f) != 2) // data or unified
                level = l, largest = uint32_t(bytes / 1024);
        }
        if (largest)
            return largest;
    }
    return max_ext >= 0x80000006 ? cpuid(0x80000006).ecx >> 16 : 0;
}

} // namespace

void cpu_identity(husk_cpu_info& info, unsigned cpu, unsigned cpus, uint64_t tsc_khz)
{
    __builtin_memset(&info, 0, sizeof info);
    Regs r0 = cpuid(0);
    uint32_t vendor[3] = { r0.ebx, r0.edx, r0.ecx };
    put_regs(info.vendor, vendor, 3);
    info.cpuid_level = r0.eax;
    uint32_t max_ext = cpuid(0x80000000).eax;
    if (max_ext < 0x80000000 || max_ext > 0x8000ffff)
        max_ext = 0;
    Regs r1 = cpuid(1);
    info.family = (r1.eax >> 8) & 0xf;
    info.model = (r1.eax >> 4) & 0xf;
    info.stepping = r1.eax & 0xf;
    if (info.family == 0xf)
        info.family += (r1.eax >> 20) & 0xff;
    if (info.family >= 6)
        info.model += ((r1.eax >> 16) & 0xf) << 4;
    info.clflush_bytes = info.cache_alignment = ((r1.ebx >> 8) & 0xff) * 8;
    info.apic_id = info.initial_apic_id = r1.ebx >> 24;
    info.has_fpu = r1.edx & 1;
    if (max_ext >= 0x80000004)
        brand(info.model_name);
    bool intel = __builtin_memcmp(info.vendor, "GenuineIntel", 12) == 0;
    info.cache_kib = cache_kib(intel, r0.eax, max_ext);
    if (max_ext >= 0x80000006) {
        uint32_t ebx = cpuid(0x80000006).ebx;
        info.tlb_4k_entries = ((ebx >> 16) & 0xfff) + (ebx & 0xfff);
    }
    info.physical_bits = 36, info.virtual_bits = 48;
    if (max_ext >= 0x80000008) {
        uint32_t eax = cpuid(0x80000008).eax;
        info.physical_bits = eax & 0xff, info.virtual_bits = (eax >> 8) & 0xff;
    }
    info.khz = uint32_t(tsc_khz);
    info.bogomips_x100 = uint32_t(tsc_khz * 2 / 10);
    info.package = 0, info.core = cpu, info.siblings = info.cores = cpus;

    uint32_t power = max_ext >= 0x80000007 ? cpuid(0x80000007).edx : 0;
    Words flags(info.flags, sizeof info.flags);
    flags.add_bits(r1.edx, kLeaf1Edx);
    Regs e1 = max_ext >= 0x80000001 ? cpuid(0x80000001) : Regs {};
    flags.add_bits(e1.edx, kExt1Edx);
    // Linux's own word: what it concludes rather than reads.
    if (power & (1u << 8))
        flags.add("constant_tsc");
    flags.add("nopl");
    if (power & (1u << 8))
        flags.add("nonstop_tsc");
    flags.add("cpuid");
    flags.add_bits(r1.ecx, kLeaf1Ecx);
    flags.add_bits(e1.ecx, kExt1Ecx);
    Regs l7 = r0.eax >= 7 ? cpuid(7) : Regs {};
    flags.add_bits(l7.ebx, kLeaf7Ebx);
    if (r0.eax >= 0xd)
        flags.add_bits(cpuid(0xd, 1).eax & 0xf, kLeafDEax);
    if (r0.eax >= 7 && l7.eax >= 1)
        flags.add_bits(cpuid(7, 1).eax, kLeaf7Sub1Eax);
    if (max_ext >= 0x80000008)
        flags.add_bits(cpuid(0x80000008).ebx, kExt8Ebx);
    if (r0.eax >= 6)
        flags.add_bits(cpuid(6).eax, kLeaf6Eax);
    flags.add_bits(l7.ecx, kLeaf7Ecx);
    flags.add_bits(l7.edx, kLeaf7Edx);
    Words pm(info.power_management, sizeof info.power_management);
    pm.add_bits(power, kPower);
}

} // namespace husk::x86
