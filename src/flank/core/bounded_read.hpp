#pragma once
// Reading a user's file whole, with the scenario loader's rules for every reader (designs,
// candidates, CSVs, RUN.json, timelines, signatures): a regular file only (a FIFO is refused at
// once instead of blocking forever, /dev/zero instead of growing to gigabytes), and a size limit
// checked before reading and again while reading (a file that grows meanwhile). Problems are
// InputError naming the file, so the CLI exits with status 2.
#include <cstdint>
#include <string>
#include <string_view>

namespace flank {

inline constexpr std::uint64_t kMaxInputFileBytes = 16ull << 20;  // scenarios, designs, JSON
inline constexpr std::uint64_t kMaxTableFileBytes = 64ull << 20;  // CSV tables (CDB90: 0.3 MB)

// The file's bytes; throws InputError({path}, "<what>: ...") when it is missing, not a regular
// file, larger than `limit` or unreadable.
std::string read_bounded_file(const std::string& path, std::uint64_t limit = kMaxInputFileBytes,
                              std::string_view what = "file");

// Same rules; returns false with the reason in `why` instead of throwing.
bool try_read_bounded_file(const std::string& path, std::uint64_t limit, std::string& out,
                           std::string& why);

}  // namespace flank
