import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val sum  = Output(UInt(9.W))
  })
  
  // Using Cat to add the carry from the previous iteration to the current addition
  val sum = Cat(0.U(1.W), io.a) + io.b
  
  // Handling potential overflow by taking the maximum of the sum and the maximum of the inputs
  io.sum := sum.asUInt.max(io.a.asUInt.max(io.b.asUInt))
}
