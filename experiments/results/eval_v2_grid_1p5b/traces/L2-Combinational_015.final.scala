import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sum  = Output(UInt(33.W))
  })
  val carry = RegInit(false.B)
  val sum1 = RegInit(0.U(32.W))
  val sum2 = RegInit(0.U(33.W))
  sum1 := io.a + io.b
  carry := sum1 > 0.U
  sum2 := sum1 + carry
  when(io.a > sum2 || io.b > sum2) { carry := true.B }
  sum2 := sum2 + carry
  io.sum := sum2
}
