// In-place sorting without allocation. Heap sort: O(n log n) in the worst
// case (the kernel sorts inputs whose order it does not control, e.g. a
// hash table's dirty blocks), no recursion, no extra memory. Not stable.
#pragma once

#include "Types.h"

namespace kstd {

namespace detail {

template<typename T, typename Less>
void sift_down(T* items, size_t root, size_t count, Less& less)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= count)
            return;
        if (child + 1 < count && less(items[child], items[child + 1]))
            ++child;
        if (!less(items[root], items[child]))
            return;
        swap(items[root], items[child]);
        root = child;
    }
}

} // namespace detail

template<typename T, typename Less>
void sort(T* items, size_t count, Less less)
{
    for (size_t i = count / 2; i-- > 0;)
        detail::sift_down(items, i, count, less);
    for (size_t end = count; end > 1; --end) {
        swap(items[0], items[end - 1]);
        detail::sift_down(items, 0, end - 1, less);
    }
}

} // namespace kstd
