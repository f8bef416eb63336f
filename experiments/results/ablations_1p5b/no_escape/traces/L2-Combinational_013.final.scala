import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val sum  = Output(UInt(9.W))
  })
  val carry = RegInit(false.B)
  val sum = io.a.asSInt + io.b.asSInt + carry
  when(sum > 0.U(9.W)) { carry := true.B }
  when(sum < 0.U(9.W)) { carry := false.B }
  io.sum := sum.asUInt
}
