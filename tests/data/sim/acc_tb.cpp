// Seed-style Verilator testbench for an accumulator (r <= r + io_in, reset to 0) that, like many seed testbenches,
// runs until the model calls $finish or 200 cycles pass; prints "TEST PASSED" and exits 0 when no cycle mismatched.
#include "VAcc.h"
#include "verilated.h"
#include <cstdio>

int main(int argc, char** argv) {
  VerilatedContext* ctx = new VerilatedContext;
  ctx->commandArgs(argc, argv);
  VAcc* top = new VAcc{ctx};
  int failures = 0, cycle = 0;
  unsigned model = 0;
  top->reset = 1; top->clock = 0; top->eval(); top->clock = 1; top->eval(); top->clock = 0; top->eval();
  top->reset = 0;
  while (!ctx->gotFinish() && cycle < 200) {
    top->io_in = (cycle * 7) & 0xff;
    top->clock = 1; top->eval();
    model = (model + top->io_in) & 0xff;
    if (top->io_out != model) { if (failures < 5) std::printf("TEST FAILED: cycle %d got %d expected %d\n", cycle, (int)top->io_out, model); failures++; }
    top->clock = 0; top->eval();
    cycle++;
  }
  top->final();
  delete top;
  if (failures == 0) std::printf("--- TEST PASSED ---\n");
  return failures == 0 ? 0 : 1;
}
