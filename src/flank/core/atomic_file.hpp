#pragma once
// Output files are written to a temporary file beside the target, flushed to disk and
// renamed over it, so a killed run never leaves a half-written result or report.
#include <string>
#include <string_view>

namespace flank {

// Throws InputError naming the path when it is a directory or its folder is missing or not
// writable, std::runtime_error naming it on other failures. "-" writes to standard output. An
// existing device or FIFO (/dev/null, a named pipe) is written in place, and a symbolic link
// is followed, so neither is replaced by a regular file.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace flank
