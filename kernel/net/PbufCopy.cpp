#include "PbufCopy.h"
#include "lwip/pbuf.h"

namespace husk {

kstd::ErrorOr<void> copy_from_pbuf(IoBuffer buf, size_t at, const pbuf* p, size_t offset, size_t n)
{
    for (; p && n; p = p->next) {
        if (offset >= p->len) {
            offset -= p->len;
            continue;
        }
        size_t k = kstd::min(n, size_t(p->len) - offset);
        TRY(buf.write_from(at, static_cast<const uint8_t*>(p->payload) + offset, k));
        at += k;
        n -= k;
        offset = 0;
    }
    return {};
}

} // namespace husk
