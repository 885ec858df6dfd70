#include "TransmitBatch.h"
#include "NetStack.h"

namespace husk {

int TransmitBatch::s_depth = 0;

TransmitBatch::~TransmitBatch()
{
    if (--s_depth == 0)
        NetStack::transmit_pending();
}

} // namespace husk
