#include "Inet.h"

namespace husk {

namespace {
const InetOperations* g_operations;
}

void Inet::install(const InetOperations& operations) { g_operations = &operations; }

const InetOperations* Inet::operations() { return g_operations; }

} // namespace husk
