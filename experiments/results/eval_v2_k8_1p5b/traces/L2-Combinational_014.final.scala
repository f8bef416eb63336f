import chisel3._
import chisel3.util._

class Adder16bit extends Module {
  val io = IO(new Bundle {
    val a     = Input(UInt(16.W))
    val b     = Input(UInt(16.W))
    val sum   = Output(UInt(17.W))
  })
  val carry = RegInit(false.B)
  val sum  = RegInit(0.U(17.W))

  when(io.a(15) ^ io.b(15)) {
    carry := carry ^ (io.a(15) & io.b(15))
  }

  when(io.a(14) ^ io.b(14)) {
    carry := carry ^ (io.a(14) & io.b(14))
  }

  for (i <- 0 until 15) {
    sum(i) := io.a(i) ^ io.b(i) ^ carry
    carry := carry & (io.a(i) & io.b(i))
  }

  sum(15) := carry & io.a(15) | io.b(15)

  io.sum := sum
}
