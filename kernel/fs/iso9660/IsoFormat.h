// ISO 9660 (ECMA-119) on-disk layout: volume descriptors, directory
// records, and the SUSP/Rock Ridge entries in a record's system use area.
// Numbers are stored both-endian; the little-endian half is read. Raw
// sectors are never cast to structures: fields are read at offsets.
#pragma once

#include "../../kstd/Types.h"

namespace husk::iso9660 {

inline uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }

constexpr uint32_t kSector = 2048;       // the logical block size Husk reads (as every writer makes)
constexpr uint64_t kFirstDescriptor = 16; // sectors 0-15 are the system area
constexpr uint32_t kMaxDescriptors = 64;  // a terminator must come before this many
constexpr const char* kStandardId = "CD001";

// Volume descriptor (one sector).
namespace vd {
constexpr size_t type = 0, id = 1, version = 6;
constexpr size_t escapes = 88;            // supplementary: Joliet's "%/@", "%/C", "%/E"
constexpr size_t space_size = 80;         // sectors in the volume (both-endian 32)
constexpr size_t block_size = 128;        // logical block size (both-endian 16)
constexpr size_t root_record = 156;       // the root directory record (34 bytes)
constexpr uint8_t kPrimary = 1, kSupplementary = 2, kTerminator = 255;
} // namespace vd

// Directory record.
namespace dr {
constexpr size_t length = 0, ext_attr_length = 1, extent = 2, size = 10, date = 18, flags = 25,
                 unit_size = 26, gap = 27, name_length = 32, name = 33;
constexpr size_t kMinLength = 34; // header plus at least one name byte (33 + 1)
constexpr uint8_t kHidden = 1, kDirectory = 2, kAssociated = 4, kMultiExtent = 0x80;
// Where the system use area starts: after the name and its pad byte.
inline size_t system_use(const uint8_t* r) { return name + r[name_length] + ((r[name_length] & 1) ? 0 : 1); }
} // namespace dr

// SUSP / Rock Ridge (RRIP 1.09 and 1.12).
namespace rr {
constexpr uint32_t kMaxContinuations = 32; // CE entries followed per record, as Linux's RR_MAX_CE_ENTRIES
constexpr uint8_t kNameContinue = 1, kNameCurrent = 2, kNameParent = 4;
constexpr uint8_t kSlContinue = 1, kSlCurrent = 2, kSlParent = 4, kSlRoot = 8;
constexpr uint8_t kTfCreate = 1, kTfModify = 2, kTfAccess = 4, kTfAttributes = 8, kTfLongForm = 0x80;
inline constexpr uint16_t sig(char a, char b) { return uint16_t((uint8_t(a) << 8) | uint8_t(b)); }
} // namespace rr

} // namespace husk::iso9660
