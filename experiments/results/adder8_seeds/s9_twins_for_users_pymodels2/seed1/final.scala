import chisel3._
import chisel3.util._

class Adder8 extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })

  val full = io.a +& io.b  // +& keeps the carry: 8 bits
  io.sum := full(7, 0)
}
