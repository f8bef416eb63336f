// Seed-style Verilator testbench for Adder (tests/data/sim/adder.sv): exhaustive over io_a/io_b,
// prints "TEST PASSED" on success and writes adder.vcd.
#include "VAdder.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <cstdio>

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Verilated::traceEverOn(true);
  VAdder* top = new VAdder;
  VerilatedVcdC* vcd = new VerilatedVcdC;
  top->trace(vcd, 1);
  vcd->open("adder.vcd");
  top->clock = 0;
  top->reset = 0;
  int failures = 0;
  vluint64_t t = 0;
  for (int a = 0; a < 256; a += 3) {
    for (int b = 0; b < 256; b += 5) {
      top->io_a = a;
      top->io_b = b;
      top->eval();
      vcd->dump(t++);
      int expected = (a + b) & 0xff;
      if (top->io_out != expected) {
        if (failures < 5) std::printf("TEST FAILED: %d + %d => %d (expected %d)\n", a, b, (int)top->io_out, expected);
        failures++;
      }
    }
  }
  vcd->close();
  top->final();
  delete top;
  if (failures == 0) std::printf("--- TEST PASSED ---\n");
  return failures == 0 ? 0 : 1;
}
