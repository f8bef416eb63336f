import chisel3._
import chisel3.util._

class Adder16bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(16.W))
    val b    = Input(UInt(16.W))
    val sum  = Output(UInt(17.W))
  })
  val carryOut = RegInit(false.B)
  val sum = RegInit(0.U(17.W))
  for (i <- 0 until 16) {
    sum(i) := (io.a(i) + io.b(i) + carryOut) % 2
    carryOut := (io.a(i) + io.b(i) + carryOut) > 1.U
  }
  io.sum := sum
}
