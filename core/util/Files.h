#pragma once
// Whole small files read and written safely for every kind of path.
// Reading: a size limit that holds for every kind of file: a regular file is
// checked by its size before reading, anything else (a pipe, /dev/zero,
// /dev/urandom) is read only up to the limit plus one byte, so an endless or
// huge input is refused instead of exhausting memory; opening never blocks on
// a FIFO that has no writer. Writing: a regular file is replaced only once
// its new content is complete (temporary file + rename), while a device or a
// pipe (/dev/stdout, /dev/full, a FIFO) is written in place and never
// replaced by a regular file; every write and the close are checked.

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace palaestra {

/// A file that cannot be read within its limit; what() is the problem without the file's
/// name ("cannot be opened: No such file or directory", "is larger than 1 MiB ..."), so each
/// caller can name the file in its own way.
class FileReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The whole content of `path`, at most `maxBytes` bytes; throws FileReadError otherwise
/// (missing, unreadable, a directory, larger than the limit).
std::string readFileBounded(const std::filesystem::path& path, size_t maxBytes);

/// A file that cannot be written; what() is the problem without the file's name.
class FileWriteError : public std::runtime_error {
 public:
  /// Whether the file could not be opened or created (nothing was written), or writing failed.
  enum class Stage { Open, Write };
  FileWriteError(Stage stage, const std::string& problem)
      : std::runtime_error(problem), stage_(stage) {}
  /// Where it failed.
  Stage stage() const { return stage_; }

 private:
  Stage stage_;
};

/// Writes `bytes` as the whole content of `path`. A regular (or new) file is written to
/// "<path>.partial" beside it (never over an existing file of that name) and renamed over `path`
/// only when complete, so a failure leaves the old file as it was; a symbolic link is followed.
/// A device or pipe is written in place. Throws FileWriteError.
void writeFileReplacing(const std::filesystem::path& path, std::string_view bytes);

/// A byte count for messages: "512 bytes", "64 KiB", "1 MiB", "1.5 GiB".
std::string formatBytes(double bytes);

}  // namespace palaestra
