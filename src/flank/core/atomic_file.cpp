#include "flank/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "flank/core/error.hpp"

namespace flank {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

// Writes all of content, retrying short writes and EINTR; false (errno set) on failure.
bool write_all(int fd, std::string_view content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

// Writes straight into an existing device, FIFO or socket (`--json /dev/null`, a named
// pipe): renaming a temporary file over it would replace the device node itself.
void write_in_place(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0) fail("cannot open", path);
  if (!write_all(fd, content)) {
    ::close(fd);
    fail("cannot write", path);
  }
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path_given, std::string_view content) {
  if (path_given == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
    return;
  }
  // A symbolic link keeps pointing where it did: the file it names is replaced, not the link.
  std::string path = path_given;
  struct stat link_info {};
  if (::lstat(path.c_str(), &link_info) == 0 && S_ISLNK(link_info.st_mode)) {
    std::error_code ec;
    const auto target = std::filesystem::weakly_canonical(path, ec);
    if (!ec) path = target.string();
  }
  struct stat info {};
  const bool exists = ::stat(path.c_str(), &info) == 0;
  // A directory, a missing folder or one we may not write is the user's path, not a failed
  // job: exit status 2 naming it (it was exit 1, "cannot rename into place").
  if (exists && S_ISDIR(info.st_mode))
    throw InputError(Diagnostic{{path_given, 0, 0}, "", "is a directory; give a file name"});
  if (exists && !S_ISREG(info.st_mode)) {
    write_in_place(path, content);
    return;
  }
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == EROFS))
    throw InputError(Diagnostic{{path_given, 0, 0},
                                "",
                                std::string("cannot write the file there: ") +
                                    (errno == ENOENT ? "no such folder" : std::strerror(errno))});
  if (fd < 0) fail("cannot create a temporary file for", path);
  if (!write_all(fd, content)) {
    ::close(fd);
    std::remove(tmp.c_str());
    fail("cannot write", path);
  }
  // mkstemp creates 0600; results are ordinary user files.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::remove(tmp.c_str());
    fail("cannot flush", path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    fail("cannot rename into place", path);
  }
  // The rename lives in the directory: without syncing it, a power cut could bring the old
  // file back after we reported success. Best effort; the data itself is already synced.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace flank
