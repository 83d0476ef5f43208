#include "flank/core/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "flank/core/error.hpp"

namespace flank {

bool try_read_bounded_file(const std::string& path, std::uint64_t limit, std::string& out,
                           std::string& why) {
  if (path.find('\0') != std::string::npos) {
    why = "the path contains a NUL character";
    return false;
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. The checks
  // are on the descriptor we read, so the file cannot be swapped between check and read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    why = errno == ENOENT ? "cannot open: no such file"
                          : "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  struct stat st {};
  const auto fail = [&](std::string reason) {
    ::close(fd);
    why = std::move(reason);
    return false;
  };
  if (::fstat(fd, &st) != 0) return fail("cannot read: " + std::string(std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return fail("cannot open: not a regular file");
  const auto too_big = [&](std::uint64_t size) {
    return "the file is " + std::to_string(size) + " bytes; the limit is " + std::to_string(limit) +
           " bytes";
  };
  if (static_cast<std::uint64_t>(st.st_size) > limit)
    return fail(too_big(static_cast<std::uint64_t>(st.st_size)));
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  char extra[4096];
  while (true) {
    char* into = got < text.size() ? text.data() + got : extra;
    const std::size_t room = got < text.size() ? text.size() - got : sizeof extra;
    const ssize_t n = ::read(fd, into, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    if (into == extra) text.append(extra, static_cast<std::size_t>(n));
    got += static_cast<std::size_t>(n);
    if (got > limit) return fail(too_big(got));
  }
  text.resize(got);
  ::close(fd);
  out = std::move(text);
  return true;
}

std::string read_bounded_file(const std::string& path, std::uint64_t limit, std::string_view what) {
  std::string text, why;
  if (!try_read_bounded_file(path, limit, text, why))
    throw InputError(Diagnostic{{path, 0, 0}, std::string(), std::string(what) + ": " + why});
  return text;
}

}  // namespace flank
