// FUTEX_WAKE_OP's encoded operation, as Linux decodes it (FUTEX_OP(op,
// oparg, cmp, cmparg) of <linux/futex.h>): bits 28-30 what to do to the
// second word (SET, ADD, OR, ANDN, XOR), bit 31 FUTEX_OP_OPARG_SHIFT (the
// operand is 1 << oparg), bits 24-27 how to compare the word's old value
// with cmparg (EQ, NE, LT, LE, GT, GE, as signed numbers), bits 12-23
// oparg and 0-11 cmparg (12-bit, sign-extended).
#pragma once

#include <stdint.h>

namespace husk {

struct FutexOp {
    unsigned op { 0 };
    unsigned cmp { 0 };
    int32_t oparg { 0 };
    int32_t cmparg { 0 };

    static FutexOp decode(uint32_t encoded)
    {
        FutexOp o;
        o.op = (encoded >> 28) & 7;
        o.cmp = (encoded >> 24) & 15;
        o.oparg = sign_extend_12(encoded >> 12);
        o.cmparg = sign_extend_12(encoded);
        // Linux masks a shift out of 0..31 (and logs it) rather than refuse it.
        if (encoded & 0x80000000u)
            o.oparg = int32_t(1u << (o.oparg & 31));
        return o;
    }
    // An operation Linux knows (else ENOSYS, the word untouched).
    bool known_op() const { return op <= 4; }
    // A comparison Linux knows (else ENOSYS, after the word changed).
    bool known_cmp() const { return cmp <= 5; }
    // The word's new value.
    uint32_t apply(uint32_t old) const
    {
        uint32_t arg = uint32_t(oparg);
        switch (op) {
        case 0: return arg;        // FUTEX_OP_SET
        case 1: return old + arg;  // FUTEX_OP_ADD
        case 2: return old | arg;  // FUTEX_OP_OR
        case 3: return old & ~arg; // FUTEX_OP_ANDN
        default: return old ^ arg; // FUTEX_OP_XOR
        }
    }
    // Whether the second word's waiters are woken too (known_cmp() first).
    bool holds(uint32_t old) const
    {
        int32_t v = int32_t(old);
        switch (cmp) {
        case 0: return v == cmparg;  // FUTEX_OP_CMP_EQ
        case 1: return v != cmparg;  // FUTEX_OP_CMP_NE
        case 2: return v < cmparg;   // FUTEX_OP_CMP_LT
        case 3: return v <= cmparg;  // FUTEX_OP_CMP_LE
        case 4: return v > cmparg;   // FUTEX_OP_CMP_GT
        default: return v >= cmparg; // FUTEX_OP_CMP_GE
        }
    }

private:
    static int32_t sign_extend_12(uint32_t bits) { return int32_t((bits & 0xfff) ^ 0x800) - 0x800; }
};

} // namespace husk
