import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(9.W))
  })

  val sumWithoutCarry = io.a +& io.b

  // Carry bit
  val carry = io.a.asUInt & io.b.asUInt

  // Full sum
  io.sum := sumWithoutCarry + carry.asUInt
}
