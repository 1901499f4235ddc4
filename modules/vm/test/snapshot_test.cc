// Cheap re-instantiation: a snapshot of the pristine instance (after its start function) and
// Instance::Reset, which undoes everything calls did — memory contents and size, globals, table
// contents and size, dropped segments.
#include <gtest/gtest.h>

#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"
#include "wasm_builder.h"

namespace phalanx::vm {
namespace {

using namespace wasmtest;

Bytes ExportOf(const std::string& name, uint8_t kind, uint32_t index) {
  return Cat({Str(name), Bytes{kind}, Leb(index)});
}

// Memory 1 page (max 10) with "hello" at 16 and a passive segment "xyz"; mutable global 5;
// table of 2 with get42 at 0 and a passive element segment; a start function writing 1 at 300.
//   dirty(): mem[100] = 7 (i32), mem[16] = 0, memory.grow 2, global = 9, table.grow 3,
//            table[0] = null, data.drop 1, elem.drop 1
//   init():  memory.init 1 at 200 (3 bytes): traps once data segment 1 was dropped
Bytes Stateful() {
  Bytes dirty = {0x41, 0xe4, 0x00, 0x41, 0x07, 0x36, 0x02, 0x00,  // i32.store 100 <- 7
                 0x41, 0x10, 0x41, 0x00, 0x3a, 0x00, 0x00,        // i32.store8 16 <- 0
                 0x41, 0x02, 0x40, 0x00, 0x1a,                    // memory.grow 2
                 0x41, 0x09, 0x24, 0x00,                          // global.set 0 <- 9
                 0xd0, 0x70, 0x41, 0x03, 0xfc, 0x0f, 0x00, 0x1a,  // table.grow 0 (null, 3)
                 0x41, 0x00, 0xd0, 0x70, 0x26, 0x00,              // table.set 0 [0] <- null
                 0xfc, 0x09, 0x01,                                // data.drop 1
                 0xfc, 0x0d, 0x01,                                // elem.drop 1
                 0x0b};
  Bytes init = {0x41, 0xc8, 0x01, 0x41, 0x00, 0x41, 0x03, 0xfc, 0x08, 0x01, 0x00, 0x0b};
  Bytes start = {0x41, 0xac, 0x02, 0x41, 0x01, 0x3a, 0x00, 0x00, 0x0b};  // i32.store8 300 <- 1
  return WasmModule(
      {Section(1, Vec({TypeEntry({}, {}), TypeEntry({}, {kI32})})),
       Section(3, Vec({Bytes{0x00}, Bytes{0x01}, Bytes{0x00}, Bytes{0x00}})),
       Section(4, Vec({Bytes{0x70, 0x00, 0x02}})), Section(5, Vec({Bytes{0x01, 0x01, 0x0a}})),
       Section(6, Vec({Bytes{0x7f, 0x01, 0x41, 0x05, 0x0b}})),
       Section(7,
               Vec({ExportFunc("dirty", 0), ExportFunc("get42", 1), ExportFunc("init", 2),
                    ExportOf("mem", 0x02, 0), ExportOf("g", 0x03, 0), ExportOf("tab", 0x01, 0)})),
       Section(8, Leb(3)),
       Section(9, Vec({Bytes{0x00, 0x41, 0x00, 0x0b, 0x01, 0x01}, Bytes{0x01, 0x00, 0x01, 0x01}})),
       Section(12, Leb(2)),
       Section(10, Vec({Body({}, dirty), Body({}, {0x41, 0x2a, 0x0b}), Body({}, init),
                        Body({}, start)})),
       Section(11, Vec({Cat({Bytes{0x00, 0x41, 0x10, 0x0b}, Str("hello")}),
                        Cat({Bytes{0x01}, Str("xyz")})}))});
}

struct Fixture {
  Store store;
  Machine machine;
  Instance* inst = nullptr;
  MemoryInstance* mem = nullptr;
  GlobalInstance* global = nullptr;
  TableInstance* table = nullptr;

  Fixture() {
    auto m = CompileModule(Stateful());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    auto i = store.Instantiate(*m, {}, machine);
    EXPECT_TRUE(i.ok()) << i.status().ToString();
    inst = *i;
    mem = inst->GetExport("mem")->memory;
    global = inst->GetExport("g")->global;
    table = inst->GetExport("tab")->table;
  }
  bool Run(const char* name) {
    auto out = machine.Invoke(*inst, name, {});
    return out.ok() && out->ok();
  }
  std::string Text(uint64_t at, uint64_t n) {
    ByteView b = mem->Read(at, n).value();
    return std::string(b.begin(), b.end());
  }
};

TEST(VmSnapshot, ResetUndoesEverythingACallDid) {
  Fixture f;
  ASSERT_TRUE(f.inst);
  const InstanceSnapshot pristine = f.inst->Snapshot();
  const uint64_t get42 = f.table->data()[0];
  ASSERT_NE(get42, 0u);
  ASSERT_TRUE(f.Run("dirty"));
  ASSERT_EQ(f.mem->pages(), 3u);
  ASSERT_EQ(f.mem->ReadLE<uint32_t>(100).value(), 7u);
  ASSERT_EQ(f.global->value, 9u);
  ASSERT_EQ(f.table->size(), 5u);
  ASSERT_FALSE(f.Run("init"));                                      // data segment 1 was dropped
  ASSERT_TRUE(f.mem->Write(3 * kPageBytes - 1, Bytes{0xEE}).ok());  // in the grown pages

  EXPECT_FALSE(f.inst->Snapshot() == pristine);

  ASSERT_TRUE(f.inst->Reset(pristine).ok());
  EXPECT_TRUE(f.inst->Snapshot() == pristine);
  EXPECT_EQ(f.mem->pages(), 1u);
  EXPECT_EQ(f.mem->type().limits.min, 1u);
  EXPECT_EQ(f.mem->ReadLE<uint32_t>(100).value(), 0u);
  EXPECT_EQ(f.Text(16, 5), "hello");
  EXPECT_EQ(f.mem->ReadLE<uint8_t>(300).value(), 1u);  // the start function's write stays
  EXPECT_EQ(f.global->value, 5u);
  EXPECT_EQ(f.table->size(), 2u);
  EXPECT_EQ(f.table->data()[0], get42);
  EXPECT_TRUE(f.Run("init"));  // the passive segment is back
  EXPECT_EQ(f.Text(200, 3), "xyz");

  // Growing again after a reset shows zeroed pages, not the bytes of an earlier call.
  ASSERT_TRUE(f.inst->Reset(pristine).ok());
  EXPECT_EQ(f.mem->ReadLE<uint8_t>(200).value(), 0u);
  EXPECT_EQ(f.mem->Grow(2), 1);
  EXPECT_EQ(f.mem->ReadLE<uint8_t>(3 * kPageBytes - 1).value(), 0u);
}

TEST(VmSnapshot, ResetIsRepeatableAndKeepsOnlyTheNonZeroImage) {
  Fixture f;
  ASSERT_TRUE(f.inst);
  const InstanceSnapshot pristine = f.inst->Snapshot();
  EXPECT_EQ(pristine.image_bytes(), kPageBytes);  // only the first page is not zero
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(f.Run("dirty"));
    ASSERT_TRUE(f.inst->Reset(pristine).ok());
    EXPECT_EQ(f.mem->pages(), 1u);
    EXPECT_EQ(f.global->value, 5u);
    EXPECT_EQ(f.Text(16, 5), "hello");
  }
}

TEST(VmSnapshot, SnapshotOfAnotherInstanceIsRejected) {
  Fixture a, b;
  ASSERT_TRUE(a.inst && b.inst);
  const InstanceSnapshot snap = a.inst->Snapshot();
  Status s = b.inst->Reset(snap);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(a.inst->Reset(snap).ok());
}

}  // namespace
}  // namespace phalanx::vm
