#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;
using namespace hydra::internal;

TEST(Strings, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("MyCallback", "MyCalback"), 1u);
}

TEST(Strings, ClosestMatchesBestFirstWithinDistance) {
  std::vector<std::string> names = {"MyCallback", "OtherCallback", "Zebra", "MyCallbak2"};
  EXPECT_EQ(closest_matches("MyCalback", names), (std::vector<std::string>{"MyCallback", "MyCallbak2"}));
  EXPECT_TRUE(closest_matches("Totally", names).empty());
}

TEST(Strings, SplitJoin) {
  EXPECT_EQ(split("a:b::c", ':'), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_TRUE(starts_with("hydra.callbacks", "hydra."));
}

TEST(Files, AtomicWriteReplacesAndLeavesNoTempFile) {
  fs::path dir = fs::temp_directory_path() / ("hydra_util_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_file_atomic(dir / "a.yaml", "one\n");
  write_file_atomic(dir / "a.yaml", "two\n");
  EXPECT_EQ(read_file(dir / "a.yaml"), "two\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(Files, WriteWhereNoDirCanBeNamesThePath) {
  // A regular file where a parent dir should be: the dir cannot be created, even as root.
  fs::path blocker = fs::temp_directory_path() / ("hydra_util_blocker_" + std::to_string(::getpid()));
  write_file_atomic(blocker, "x");
  try {
    write_file_atomic(blocker / "sub/file.yaml", "x");
    fs::remove(blocker);
    FAIL();
  } catch (const UserError& e) {
    fs::remove(blocker);
    EXPECT_NE(std::string(e.what()).find(blocker.string()), std::string::npos) << e.what();
  }
}

TEST(Exceptions, DescribesStdAndNonStd) {
  try {
    throw std::out_of_range("too far");
  } catch (...) {
    auto text = describe_current_exception();
    EXPECT_EQ(text.type, "std::out_of_range");
    EXPECT_EQ(text.message, "too far");
  }
  try {
    throw 42;
  } catch (...) {
    auto text = describe_current_exception();
    EXPECT_EQ(text.type, "int");
    EXPECT_EQ(text.message, kNoExceptionMessage);
    EXPECT_FALSE(text.is_std);
  }
}

TEST(Exceptions, ThrownStringsKeepTheirText) {
  try {
    throw std::string("a std::string");
  } catch (...) {
    auto text = describe_current_exception();
    EXPECT_EQ(text.type, "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >");
    EXPECT_EQ(text.message, "a std::string");
  }
  try {
    throw "a C string";
  } catch (...) {
    auto text = describe_current_exception();
    EXPECT_EQ(text.type, "char const*");
    EXPECT_EQ(text.message, "a C string");
  }
}
