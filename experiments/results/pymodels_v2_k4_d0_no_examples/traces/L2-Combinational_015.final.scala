import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sum  = Output(UInt(33.W))
  })
  val carry = RegInit(false.B)
  val sum  = io.a +& io.b + carry

  io.sum := sum
}
