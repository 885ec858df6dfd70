// Copying out of lwIP's packet buffers: a chain's segments go straight
// into the destination (no bounce buffer), as TCP streams and UDP
// datagrams are read.
#pragma once

#include "../kstd/ErrorOr.h"
#include "../vfs/IoBuffer.h"

struct pbuf;

namespace husk {

// Copies n bytes of chain p, starting offset bytes in, to buf at `at`.
kstd::ErrorOr<void> copy_from_pbuf(IoBuffer buf, size_t at, const pbuf* p, size_t offset, size_t n);

} // namespace husk
