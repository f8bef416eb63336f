import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a     = Input(UInt(8.W))
    val b     = Input(UInt(8.W))
    val sum   = Output(UInt(9.W))
  })
  val carry = RegInit(false.B)
  val sum   = RegInit(0.U(9.W))

  // Add the 8-bit unsigned numbers
  val add = io.a + io.b
  sum := add

  // Handle overflow by adding 1 to the sum if carry is set
  when(carry) { sum := sum + 1.U }
}
