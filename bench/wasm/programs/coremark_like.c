/* coremark_like: a CoreMark-style workload written for this repository (EEMBC's CoreMark
 * source is not packaged in Debian or npm, so this is NOT CoreMark and its figures are not
 * CoreMark scores). It has CoreMark's four kernels: linked-list find/reverse/merge-sort,
 * small integer matrix operations, a number-recognizing state machine, and CRC-16 over all
 * their results. */
#include "bench_program.h"

enum { kListNodes = 96, kMatrixN = 16, kInputBytes = 400, kStates = 8 };

/* ---- CRC-16 (reflected 0x8408, like CoreMark's crcu16). ---- */
static u16 Crc8(u8 data, u16 crc) {
  for (int i = 0; i < 8; ++i) {
    u8 x = (u8)((data & 1) ^ (crc & 1));
    data >>= 1;
    crc = x ? (u16)((crc ^ 0x4002) >> 1 | 0x8000) : (u16)(crc >> 1);
  }
  return crc;
}
static u16 Crc16(u16 v, u16 crc) { return Crc8((u8)(v >> 8), Crc8((u8)v, crc)); }
static u16 Crc32(u32 v, u16 crc) { return Crc16((u16)(v >> 16), Crc16((u16)v, crc)); }

/* ---- Linked list: nodes live in an array, linked by pointers. ---- */
typedef struct Node {
  struct Node* next;
  i32 value;
  i32 index;
} Node;

static Node nodes[kListNodes];

static Node* BuildList(u32 seed) {
  for (int i = 0; i < kListNodes; ++i) {
    seed = seed * 1103515245u + 12345u;
    nodes[i].value = (i32)((seed >> 16) & 0x7fff);
    nodes[i].index = i;
    nodes[i].next = i + 1 < kListNodes ? &nodes[i + 1] : 0;
  }
  return &nodes[0];
}

static Node* Find(Node* list, i32 value) {
  while (list && list->value != value) list = list->next;
  return list;
}

static Node* Reverse(Node* list) {
  Node* prev = 0;
  while (list) {
    Node* next = list->next;
    list->next = prev;
    prev = list;
    list = next;
  }
  return prev;
}

/* Bottom-up merge sort of a singly linked list; by value (by_value) or by index. */
static int Less(const Node* a, const Node* b, int by_value) {
  return by_value ? (a->value < b->value || (a->value == b->value && a->index < b->index))
                  : a->index < b->index;
}

static Node* Sort(Node* list, int by_value) {
  for (int width = 1;; width *= 2) {
    Node *p = list, *head = 0, *tail = 0;
    int merges = 0;
    while (p) {
      ++merges;
      Node* q = p;
      int psize = 0;
      for (int i = 0; i < width && q; ++i) {
        ++psize;
        q = q->next;
      }
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q)) {
        Node* e;
        if (psize == 0) {
          e = q, q = q->next, --qsize;
        } else if (qsize == 0 || !q || !Less(q, p, by_value)) {
          e = p, p = p->next, --psize;
        } else {
          e = q, q = q->next, --qsize;
        }
        if (tail) {
          tail->next = e;
        } else {
          head = e;
        }
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    list = head;
    if (merges <= 1) return list;
  }
}

static u16 ListKernel(u32 seed, u16 crc) {
  Node* list = BuildList(seed);
  for (int i = 0; i < 8; ++i) {
    Node* found = Find(list, nodes[(seed + (u32)i * 37) % kListNodes].value);
    crc = Crc16((u16)(found ? found->index : -1), crc);
  }
  list = Reverse(list);
  list = Sort(list, 1);
  for (Node* n = list; n; n = n->next) crc = Crc16((u16)n->value, crc);
  list = Sort(list, 0);
  crc = Crc16((u16)list->index, crc);
  return crc;
}

/* ---- Matrix: 16-bit inputs, 32-bit products, CoreMark's add/mul/vector/matrix steps. ---- */
typedef short i16;
static i16 ma[kMatrixN * kMatrixN], mb[kMatrixN * kMatrixN];
static i32 mc[kMatrixN * kMatrixN];

static i32 Summarize(i32 clip) {
  i32 total = 0, prev = 0, ret = 0;
  for (int i = 0; i < kMatrixN * kMatrixN; ++i) {
    total += mc[i];
    if (total > clip) {
      ret += 10;
      total = 0;
    } else {
      ret += mc[i] > prev ? 1 : 0;
    }
    prev = mc[i];
  }
  return ret;
}

static u16 MatrixKernel(u32 seed, u16 crc) {
  const int n = kMatrixN;
  for (int i = 0; i < n * n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    ma[i] = (i16)((seed >> 20) & 0xff);
    mb[i] = (i16)((seed >> 8) & 0xff);
  }
  i16 k = (i16)(seed & 0x7f);
  for (int i = 0; i < n * n; ++i) ma[i] += k;
  for (int i = 0; i < n * n; ++i) mc[i] = (i32)ma[i] * k;
  crc = Crc16((u16)Summarize(1000), crc);
  for (int i = 0; i < n; ++i) {
    mc[i] = 0;
    for (int j = 0; j < n; ++j) mc[i] += (i32)ma[i * n + j] * mb[j];
  }
  crc = Crc16((u16)Summarize(2000), crc);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      i32 acc = 0;
      for (int q = 0; q < n; ++q) acc += (i32)ma[i * n + q] * mb[q * n + j];
      mc[i * n + j] = acc;
    }
  }
  crc = Crc16((u16)Summarize(4000), crc);
  for (int i = 0; i < n * n; ++i) mc[i] = (mc[i] >> 3 & 0xf) * (mc[i] >> 9 & 0x7f);
  crc = Crc16((u16)Summarize(8000), crc);
  for (int i = 0; i < n * n; ++i) ma[i] -= k;
  return Crc16((u16)ma[n + 1], crc);
}

/* ---- State machine: recognizes integers, decimals, exponents, hex and garbage. ---- */
enum { kStart, kInvalid, kInt, kFloat, kExp1, kExp2, kExponent, kHex };
static char input[kInputBytes];

static void BuildInput(u32 seed) {
  static const char* const kPatterns[] = {
      "5012",     "1234",     "-874",     "+122",     "35.54400", ".1234500",
      "-110.700", "+0.64400", "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12",
      "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^", "0x1f",     "0xbad"};
  int pos = 0;
  while (pos < kInputBytes - 12) {
    seed = seed * 1103515245u + 12345u;
    const char* p = kPatterns[(seed >> 16) % 18];
    while (*p) input[pos++] = *p++;
    input[pos++] = ',';
  }
  input[pos] = 0;
}

static int IsDigit(char c) { return c >= '0' && c <= '9'; }

static int Step(int state, char c) {
  switch (state) {
    case kStart:
      if (IsDigit(c)) return c == '0' ? kHex : kInt;
      if (c == '+' || c == '-') return kInt;
      if (c == '.') return kFloat;
      return kInvalid;
    case kInt:
      if (c == '.') return kFloat;
      return IsDigit(c) ? kInt : kInvalid;
    case kHex:
      if (c == 'x' || IsDigit(c) || (c >= 'a' && c <= 'f')) return kHex;
      if (c == '.') return kFloat;
      return kInvalid;
    case kFloat:
      if (c == 'e' || c == 'E') return kExp1;
      return IsDigit(c) ? kFloat : kInvalid;
    case kExp1:
      return (c == '+' || c == '-') ? kExp2 : kInvalid;
    case kExp2:
    case kExponent:
      return IsDigit(c) ? kExponent : kInvalid;
    default:
      return kInvalid;
  }
}

static u16 StateKernel(u32 seed, u16 crc) {
  BuildInput(seed);
  u32 final_counts[kStates] = {0}, transitions[kStates] = {0};
  for (const char* p = input; *p;) {
    int state = kStart;
    for (; *p && *p != ','; ++p) {
      int next = Step(state, *p);
      if (next != state) ++transitions[next];
      state = next;
    }
    ++final_counts[state];
    if (*p == ',') ++p;
  }
  for (int i = 0; i < kStates; ++i) crc = Crc32(final_counts[i] * 131 + transitions[i], crc);
  return crc;
}

u32 run(u32 iterations) {
  u32 sum = 0;
  for (u32 i = 0; i < iterations; ++i) {
    u16 crc = 0;
    crc = ListKernel(i * 7919u + 1, crc);
    crc = MatrixKernel(i * 104729u + 3, crc);
    crc = StateKernel(i * 15485863u + 5, crc);
    sum = sum * 65599u + crc;
  }
  return sum;
}
