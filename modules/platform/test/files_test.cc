#include "phalanx/platform/files.h"

#include <gtest/gtest.h>

namespace phalanx::platform {
namespace {

TEST(Files, AtomicWriteThenReadRoundTrips) {
  auto dir = TempDir::Create("phx-files-");
  ASSERT_TRUE(dir.ok());
  auto path = dir->path() / "a.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "world!").ok());
  EXPECT_EQ(*ReadFile(path, 100), "world!");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp." + std::to_string(::getpid())));
}

TEST(Files, ReadRejectsFilesOverTheLimit) {
  auto dir = TempDir::Create("phx-files-");
  auto path = dir->path() / "big";
  ASSERT_TRUE(WriteFileAtomic(path, std::string(101, 'x')).ok());
  EXPECT_EQ(ReadFile(path, 100).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(ReadFile(dir->path() / "missing", 100).status().code(), StatusCode::kNotFound);
}

TEST(Files, TempDirIsRemovedOnDestruction) {
  std::filesystem::path p;
  {
    auto dir = TempDir::Create("phx-files-");
    p = dir->path();
    EXPECT_TRUE(std::filesystem::is_directory(p));
  }
  EXPECT_FALSE(std::filesystem::exists(p));
}

}  // namespace
}  // namespace phalanx::platform
