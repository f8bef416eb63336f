import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(9.W))
  })
  
  // Carry propagation
  val carry = io.a(7) & io.b(7) | io.a(6) & io.b(6) | io.a(5) & io.b(5) | io.a(4) & io.b(4) | io.a(3) & io.b(3) | io.a(2) & io.b(2) | io.a(1) & io.b(1) | io.a(0) & io.b(0)
  
  // Sum calculation
  val sumWithoutCarry = io.a + io.b
  
  // Output with carry
  io.sum := sumWithoutCarry + carry
  
  // Keep carry for the next addition
  io.sum(8) := carry
}
