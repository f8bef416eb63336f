import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sum  = Output(UInt(33.W))
  })
  val carryOut = RegInit(false.B)
  val sum = RegInit(0.U(33.W))
  for (i <- 0 until 32) {
    sum(i) := (io.a(i) + io.b(i) + carryOut) % 2
    carryOut := (io.a(i) + io.b(i) + carryOut) > 1.U
  }
  io.sum := sum
}
