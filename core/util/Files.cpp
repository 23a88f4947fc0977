#include "util/Files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace palaestra {

namespace {

// Closes the descriptor on every path out.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string systemError(int error) {
  return std::strerror(error);
}

}  // namespace

std::string formatBytes(double bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 5) {
    bytes /= 1024.0;
    ++unit;
  }
  char text[48];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%.0f bytes", bytes);
  else if (bytes == std::floor(bytes) || bytes >= 10)
    std::snprintf(text, sizeof text, "%.0f %s", bytes, kUnits[unit]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", bytes, kUnits[unit]);
  return text;
}

std::string readFileBounded(const std::filesystem::path& path, size_t maxBytes) {
  const std::string limit = "the limit of " + formatBytes(static_cast<double>(maxBytes));
  FileDescriptor file;
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever. It is
  // cleared right after, so a pipe with a writer (e.g. `--config <(...)`) is read normally.
  file.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (file.fd < 0) throw FileReadError("cannot be opened for reading: " + systemError(errno));
  const int flags = ::fcntl(file.fd, F_GETFL);
  if (flags >= 0) ::fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK);

  struct stat info {};
  if (::fstat(file.fd, &info) != 0) throw FileReadError("cannot be read: " + systemError(errno));
  if (S_ISDIR(info.st_mode)) throw FileReadError("is a directory, not a file");
  const bool regular = S_ISREG(info.st_mode);
  if (regular && static_cast<uint64_t>(info.st_size) > maxBytes)
    throw FileReadError("is " + formatBytes(static_cast<double>(info.st_size)) + ", larger than " +
                        limit);

  std::string text;
  text.reserve(regular ? static_cast<size_t>(info.st_size) : 4096);
  char buffer[65536];
  while (true) {
    // Never ask for more than one byte past the limit: /dev/zero never ends.
    const size_t room = maxBytes + 1 - text.size();
    const ssize_t got = ::read(file.fd, buffer, std::min(sizeof buffer, room));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw FileReadError("cannot be read: " + systemError(errno));
    }
    if (got == 0) break;
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > maxBytes)
      throw FileReadError(regular ? "grew past " + limit + " while being read"
                                  : "is not a regular file and yields more than " + limit);
  }
  return text;
}

namespace {

// Writes every byte to `fd`, retrying short writes; returns 0 or the errno of the failure.
int writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
  return 0;
}

[[noreturn]] void writeFailed(int error) {
  throw FileWriteError(
      FileWriteError::Stage::Write,
      systemError(error) + (error == ENOSPC || error == EDQUOT ? " (disk full?)" : ""));
}

}  // namespace

void writeFileReplacing(const std::filesystem::path& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  using Stage = FileWriteError::Stage;
  if (path.empty()) throw FileWriteError(Stage::Open, "has no name");
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symbolic links
  if (fs::is_directory(status)) throw FileWriteError(Stage::Open, "is a directory");
  fs::path target = path;

  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // A device, FIFO or socket: replacing it with a regular file would break it (and a write to
    // /dev/full would "succeed" into the temporary file). Write to it directly.
    FileDescriptor file;
    file.fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (file.fd < 0)
      throw FileWriteError(Stage::Open, "cannot be opened for writing: " + systemError(errno));
    if (const int error = writeAll(file.fd, bytes)) writeFailed(error);
    const int fd = file.fd;
    file.fd = -1;
    if (::close(fd) != 0) writeFailed(errno);
    return;
  }

  // A link to a regular file: the file it points at is replaced, the link stays.
  if (fs::is_symlink(path, ec))
    if (fs::path real = fs::canonical(path, ec); !ec) target = real;
  // The temporary file sits next to the target so the final rename stays on one file system;
  // O_EXCL: a file of that name that someone else owns is never overwritten.
  fs::path temporary = target;
  temporary += ".partial";
  FileDescriptor file;
  file.fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (file.fd < 0) {
    const int error = errno;
    throw FileWriteError(Stage::Open, error == EEXIST
                                          ? "cannot be written: its temporary file '" +
                                                temporary.string() +
                                                "' already exists (left by an earlier write? "
                                                "remove it)"
                                          : "cannot be created: " + systemError(error));
  }
  auto discard = [&](int error) {
    if (file.fd >= 0) ::close(file.fd);
    file.fd = -1;
    std::error_code ignored;
    fs::remove(temporary, ignored);
    writeFailed(error);
  };
  if (const int error = writeAll(file.fd, bytes)) discard(error);
  if (::fsync(file.fd) != 0 && errno != EINVAL) discard(errno);
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) discard(errno);
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw FileWriteError(Stage::Open, "cannot be replaced: " + systemError(error));
  }
}

}  // namespace palaestra
