// SipHash-2-4 (Aumasson and Bernstein): a keyed hash whose output cannot
// be predicted without the key. TCP's initial sequence numbers use it
// (kernel/net/lwip/TcpIsn.cpp), as Linux's secure_tcp_seq does.
#pragma once

#include "../kstd/Types.h"

namespace husk {

uint64_t siphash24(const uint64_t key[2], const uint8_t* data, size_t length);

} // namespace husk
